package io.weft.agent.ops;

import io.weft.agent.cache.CacheSystem;
import io.weft.agent.cache.PgConnector;
import io.weft.agent.cache.SharedConnector;
import io.weft.agent.cache.NamedCache;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.log.WeftLog;
import java.util.List;

/**
 * The operations side of the agent (SPEC §9): the runtime switches, JMX MBeans once the first cache
 * exists, and, with {@code weft.http.port} set, the loopback HTTP server for metrics, health, switches
 * and the status page. Every view reads a {@link Snapshot}; every switch goes through here, so JMX and
 * HTTP behave alike and every change is logged.
 */
public final class Ops {

    /** The JDK module of {@code com.sun.net.httpserver}, which the operations server runs on. */
    private static final String HTTP_SERVER_MODULE = "jdk.httpserver";

    private final WeftConfig config;
    private final Switches switches = new Switches();
    private volatile Snapshot.Parts parts;
    private volatile String weavingFailure;
    private volatile OpsServer server;

    private Ops(WeftConfig config) {
        this.config = config;
    }

    /** Creates the operations side; it starts nothing (see {@link #startServer()}). */
    public static Ops create(WeftConfig config) {
        return new Ops(config);
    }

    /**
     * Starts the HTTP server when {@code weft.http.port} is set; without it, no server, no thread. A failure
     * (port taken, no {@code jdk.httpserver} module) is logged and the agent goes on without it. The module is
     * looked for first: a named application module ({@code java -m}) does not resolve it unless the JVM is
     * started with {@code --add-modules jdk.httpserver}, and the agent's class loader cannot add it later.
     */
    public void startServer() {
        if (config.httpPort() < 0) {
            return;
        }
        if (ModuleLayer.boot().findModule(HTTP_SERVER_MODULE).isEmpty()) {
            WeftLog.error("cannot serve metrics and health on 127.0.0.1:" + config.httpPort() + ": the JDK's HTTP server"
                    + " (module " + HTTP_SERVER_MODULE + ") is not in this JVM's boot layer, as when the application"
                    + " runs as a named module (java -m) or on a runtime trimmed by jlink; start the JVM with"
                    + " --add-modules " + HTTP_SERVER_MODULE + " (and include it in a jlink image)."
                    + " Caching goes on without the operations server");
            return;
        }
        try {
            server = OpsServer.start(this, config);
        } catch (Throwable t) {
            WeftLog.error("cannot serve metrics and health on 127.0.0.1:" + config.httpPort() + " (" + t
                    + "); caching goes on without the operations server");
        }
    }

    /** Stops the HTTP server, if any (tests; the agent's server lives as long as the JVM). */
    void stopServer() {
        OpsServer current = server;
        server = null;
        if (current != null) {
            current.stop();
        }
    }

    /**
     * Called as soon as the cache system exists, before its first cache is created: the switches start
     * following its caches.
     */
    public void systemCreated(CacheSystem created) {
        use(Snapshot.Parts.of(created));
    }

    /** Starts reading and switching {@code system}'s parts. */
    void use(Snapshot.Parts system) {
        this.parts = system;
        this.weavingFailure = null;
        switches.attach(system.caches);
    }

    /** Caching could not start (the dispatcher could not be installed, …): health says DOWN. */
    public void weavingFailed(Throwable failure) {
        if (parts == null) {
            weavingFailure = String.valueOf(failure);
        }
    }

    /** The state of everything, now. */
    public Snapshot snapshot() {
        return Snapshot.take(parts, config, switches, weavingFailure, true);
    }

    /** The state of everything but the entries of each cache, which take a walk over the L1 to count. */
    public Snapshot snapshotWithoutEntries() {
        return Snapshot.take(parts, config, switches, weavingFailure, false);
    }

    /** The cache called {@code name}, or null. */
    public NamedCache cache(String name) {
        Snapshot.Parts current = parts;
        return current == null ? null : current.caches.find(name);
    }

    public Switches switches() {
        return switches;
    }

    /** Sets a cache's own switch. */
    public void setCacheEnabled(NamedCache cache, boolean enabled, String by) {
        switches.setCacheEnabled(cache, enabled, by);
    }

    /** Sets the agent's switch (every cache). */
    public void setAgentEnabled(boolean enabled, String by) {
        switches.setAgentEnabled(enabled, by);
    }

    /** Removes one cache's entries from this JVM's L1; returns how many. */
    public long clear(NamedCache cache, String by) {
        Snapshot.Parts current = parts;
        if (current == null) {
            return 0;
        }
        long removed = current.runtime.clear(cache);
        WeftLog.info("cache " + cache.name() + " cleared: " + removed + " L1 entries removed (" + by + ")");
        return removed;
    }

    /** How many keys {@link #hotKeys} shows. */
    public static final int HOT_KEYS = 10;

    /** The keys of {@code cache} with the most hits in this JVM's L1, most first (at most {@link #HOT_KEYS}). */
    public List<String> hotKeys(NamedCache cache) {
        Snapshot.Parts current = parts;
        return current == null ? List.of() : current.runtime.hotKeys(cache, HOT_KEYS);
    }

    /** Empties this JVM's L1; returns how many entries it held. */
    public long clearAll(String by) {
        Snapshot.Parts current = parts;
        if (current == null) {
            return 0;
        }
        long size = current.runtime.l1Size();
        current.runtime.clear();
        WeftLog.info("L1 cleared: about " + size + " entries removed (" + by + ")");
        return size;
    }

    /**
     * Deletes the expired rows of the shared level's table now ({@code POST /store/cleanup}), waiting for the
     * database; returns how many entries, -1 when the database failed, or {@code null} without a database shared
     * level (no {@code weft.store.uri}, or not connected yet).
     */
    public Long cleanUpStore(String by) {
        Snapshot.Parts current = parts;
        SharedConnector shared = current == null ? null : current.redis.get();
        if (!(shared instanceof PgConnector)) {
            return null;
        }
        WeftLog.info("cleanup of the expired rows asked for " + by);
        return ((PgConnector) shared).cleanUpNow();
    }

    /** The port the HTTP server listens on, or -1 when it is off. */
    public int httpPort() {
        OpsServer current = server;
        return current == null ? -1 : current.port();
    }

    public WeftConfig config() {
        return config;
    }


}
