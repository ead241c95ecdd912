package io.weft.agent;

import io.weft.agent.attach.AttachCli;
import io.weft.agent.cache.CacheSystem;
import io.weft.agent.cache.SharedLevelChecks;
import io.weft.agent.config.AgentInfo;
import io.weft.agent.config.Durations;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.events.EventStreams;
import io.weft.agent.log.WeftLog;
import io.weft.agent.ops.Ops;
import io.weft.agent.ops.Redaction;
import io.weft.agent.ops.jmx.Jmx;
import io.weft.agent.store.pg.JdbcUrls;
import io.weft.agent.weaving.CandidateFilter;
import io.weft.agent.weaving.ConfigurationErrors;
import io.weft.agent.weaving.LoadedClasses;
import io.weft.agent.weaving.Weaving;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The agent's entry point. It reads the configuration and registers a cheap class filter; Byte Buddy,
 * Caffeine and the rest load only when the first class that uses a Weft annotation does. Nothing
 * here may throw into the application: a failure leaves it running uncached.
 */
public final class WeftAgent {

    private static volatile CacheSystem system;

    private WeftAgent() {
    }

    /** {@code java -jar weft-agent.jar [attach <pid> [key=value ...] | list | version]}. */
    public static void main(String[] args) {
        System.exit(AttachCli.run(args, System.out, System.err));
    }

    /** Called by {@code -javaagent:weft-agent.jar[=k=v;k=v]}. */
    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, false);
    }

    /**
     * Called when the agent is attached to a running JVM ({@code java -jar weft-agent.jar attach <pid>}):
     * starts as {@code premain} does, then weaves the annotated classes that are already loaded.
     */
    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, true);
    }

    private static synchronized void start(String agentArgs, Instrumentation instrumentation, boolean attached) {
        try {
            if (System.getProperty(AgentInfo.STARTED_PROPERTY) != null) {
                WeftLog.info("already running in this JVM; nothing to do" + (attached
                        ? " (attaching again changes no setting: use the switches, or restart the JVM)" : ""));
                return;
            }
            WeftConfig config = WeftConfig.fromJvm(agentArgs, new SharedLevelChecks());
            WeftLog.setLevel(config.logLevel());
            if (!config.enabled()) {
                WeftLog.info("disabled by weft.enabled=false: nothing is woven");
                return;
            }
            ConfigurationErrors errors = new ConfigurationErrors(config.strict());
            for (String problem : config.problems()) {
                errors.reportSetting(problem);
            }
            for (String unknown : config.unknownNames()) {
                WeftLog.warn("unknown setting " + unknown + " is ignored (check its spelling)");
            }
            for (String warning : config.warnings()) {
                WeftLog.warn(warning);
            }
            System.setProperty(AgentInfo.STARTED_PROPERTY, "true");
            Ops ops = Ops.create(config);
            // Classes loaded before the transformer is added must be retransformed; those loaded after, it sees.
            Class<?>[] loaded = attached ? instrumentation.getAllLoadedClasses() : null;
            // Classes, not lambdas, on the way to premain's return: the first lambda spins method handles (~20 ms).
            CandidateFilter filter = new CandidateFilter(config, new Supplier<ClassFileTransformer>() {
                @Override
                public ClassFileTransformer get() {
                    return weave(config, instrumentation, ops);
                }
            });
            instrumentation.addTransformer(filter, true);
            WeftLog.info(startupLine(config, attached));
            ops.startServer();
            String report = "";
            if (attached) {
                LoadedClasses.Result result = LoadedClasses.weave(instrumentation, filter, loaded);
                CacheSystem current = system;
                int methods = current == null ? 0 : current.methods().size();
                report = "wove " + methods + " method(s) in the " + result.candidates
                        + " loaded class(es) that use Weft annotations"
                        + (result.failed == 0 ? "" : ", " + result.failed + " class(es) failed (see the log)")
                        + " in " + result.millis + " ms";
                WeftLog.info("attached: " + report + "; classes loaded from now on are woven as they load");
            }
            int port = ops.httpPort();
            if (attached || port >= 0) {
                // read back by the attach command, to say what happened
                System.setProperty(AttachCli.REPORT, report + (port < 0 ? "" : (report.isEmpty() ? "" : "; ")
                        + "operations on http://127.0.0.1:" + port + "/"));
            }
        } catch (Throwable t) {
            WeftLog.error("could not start; the application runs without caching: " + t);
        }
    }

    private static ClassFileTransformer weave(WeftConfig config, Instrumentation instrumentation, Ops ops) {
        try {
            return Weaving.create(config, instrumentation, new Consumer<CacheSystem>() {
                @Override
                public void accept(CacheSystem created) {
                    system = created;
                    ops.systemCreated(created);
                    startJmx(ops, created);
                }
            });
        } catch (RuntimeException | Error e) {
            ops.weavingFailed(e);
            throw e;
        }
    }

    /** Registers the MBeans (in the background, off the weaving thread). */
    private static void startJmx(Ops ops, CacheSystem created) {
        try {
            Jmx.start(ops, created.caches());
        } catch (Throwable t) {
            WeftLog.warn("JMX is not available (" + t + "); use weft.http.port for metrics and switches");
        }
    }

    /** The caches of this JVM, or {@code null} before the first class using a Weft annotation was woven. */
    public static CacheSystem system() {
        return system;
    }

    /**
     * The shared-level part of the startup line (Redis, or PostgreSQL with {@code weft.store.uri}), with any password
     * masked as the operations views mask it ({@link Redaction#uri}: up to the last {@code @}; {@link JdbcUrls}),
     * without loading the Redis client or the database driver.
     */
    static String sharedLevel(WeftConfig config) {
        if (config.storeUri() != null) {
            return "L2 on PostgreSQL " + JdbcUrls.redacted(config.storeUri()) + " (table " + config.storeTable()
                    + ", timeout " + Durations.format(config.storeTimeout()) + ", namespace '" + config.namespace()
                    + "'); events in the database";
        }
        if (config.redisUri() == null) {
            return config.sharedLevelRefused() ? "L2 off (a configuration error refused its setting); events off"
                    : "L2 off (weft.redis.uri unset); events off";
        }
        StringBuilder streams = new StringBuilder(EventStreams.key(config.namespace(), EventStreams.CACHE_INVALIDATED));
        for (String type : config.eventTemplates().keySet()) {
            streams.append(", ").append(EventStreams.key(config.namespace(), type));
        }
        return "L2 on " + Redaction.uri(config.redisUri()) + " (timeout " + Durations.format(config.redisTimeout()) + ", namespace '"
                + config.namespace() + "'); events on streams " + streams;
    }

    private static String startupLine(WeftConfig config, boolean attached) {
        return "Weft " + AgentInfo.version() + " started on Java " + Runtime.version().feature()
                + ": L1 maxSize=" + config.l1MaxSize() + " l1.ttl=" + Durations.format(config.l1Ttl())
                + " ttl=" + Durations.format(config.ttl())
                + "; " + sharedLevel(config) + "; weaving " + (config.include().isEmpty() ? "all packages" : config.include())
                + (config.exclude().isEmpty() ? "" : " except " + config.exclude())
                + (config.strict() ? "; strict" : "")
                + (attached ? "; attached to a running JVM: weaving the classes already loaded"
                        : "; classes are woven as they load");
    }
}
