package io.weft.agent.ops.jmx;

import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.NamedCache;
import io.weft.agent.log.WeftLog;
import io.weft.agent.ops.Ops;
import io.weft.agent.store.Background;
import java.lang.management.ManagementFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.management.InstanceAlreadyExistsException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers the MBeans on the platform MBean server: {@code io.weft:type=Agent} when the cache system
 * starts and {@code io.weft:type=Cache,name=<quoted name>} for each cache as it appears. Registration
 * runs on a short-lived daemon thread, never on the thread that is loading (and weaving) a class: the
 * platform server may not exist yet, and creating it there would load and initialize much of the JDK's
 * management (and logging) under the class loader's lock. Unless the JVM was started with remote JMX
 * ({@code com.sun.management.jmxremote…}, whose agent has built the platform server already), it
 * starts one second after the cache system: building the platform server costs about 50 ms of CPU,
 * which on a small machine would otherwise be taken from the application's own start.
 */
public final class Jmx {

    /** The agent's MBean. */
    public static final String AGENT = "io.weft:type=Agent";
    private static final long REGISTRATION_DELAY_MILLIS = 1000;

    private Jmx() {
    }

    /** The name of a cache's MBean. */
    public static ObjectName cacheName(String cache) throws javax.management.MalformedObjectNameException {
        return new ObjectName("io.weft:type=Cache,name=" + ObjectName.quote(cache));
    }

    /** Registers the agent's MBean, then every cache's as it is created. */
    public static void start(Ops ops, CacheRegistry caches) {
        ThreadPoolExecutor registrar = new ThreadPoolExecutor(1, 1, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Background.threads("weft-jmx"));
        registrar.allowCoreThreadTimeOut(true);
        // a class, not a lambda: made on the thread weaving the first class, where a lambda costs a class spun at run time
        registrar.execute(new Runnable() {
            @Override
            public void run() {
                if (!remoteJmx()) {
                    try {
                        Thread.sleep(REGISTRATION_DELAY_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                register(new AgentControl(ops), AGENT);
                // here, not on the thread weaving the first class: the caches named meanwhile are handed over all the same
                caches.onCreated(cache -> registrar.execute(() -> register(ops, cache)));
            }
        });
    }

    /** Whether the JVM's JMX agent serves remote clients (it then built the platform server at start). */
    private static boolean remoteJmx() {
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("com.sun.management.jmxremote")) {
                return true;
            }
        }
        return false;
    }

    private static void register(Ops ops, NamedCache cache) {
        try {
            register(new CacheControl(ops, cache), cacheName(cache.name()).getCanonicalName());
        } catch (Exception e) {
            WeftLog.warn("cannot register the MBean of cache " + cache.name() + ": " + e);
        }
    }

    private static void register(Object mbean, String name) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName objectName = new ObjectName(name);
            if (!server.isRegistered(objectName)) {
                server.registerMBean(mbean, objectName);
                WeftLog.debug("registered MBean " + name);
            }
        } catch (InstanceAlreadyExistsException e) {
            // the same cache handed over twice
        } catch (Throwable t) {
            WeftLog.warnRateLimited("jmx", "cannot register MBean " + name + ": " + t);
        }
    }
}
