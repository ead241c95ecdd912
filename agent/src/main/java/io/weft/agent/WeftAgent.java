package io.weft.agent;

import io.weft.agent.cache.CacheSystem;
import io.weft.agent.config.Durations;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.log.WeftLog;
import io.weft.agent.weaving.CandidateFilter;
import io.weft.agent.weaving.ConfigurationErrors;
import io.weft.agent.weaving.Weaving;
import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point. It reads the configuration and registers a cheap class filter; Byte Buddy,
 * Caffeine and the rest load only when the first class that uses a Weft annotation does. Nothing
 * here may throw into the application: a failure leaves it running uncached.
 */
public final class WeftAgent {

    private static final String STARTED = "weft.agent.started";
    private static volatile CacheSystem system;

    private WeftAgent() {
    }

    /** Called by {@code -javaagent:weft-agent.jar[=k=v;k=v]}. */
    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation);
    }

    /** Called when the agent is attached to a running JVM. */
    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation);
    }

    private static synchronized void start(String agentArgs, Instrumentation instrumentation) {
        try {
            if (System.getProperty(STARTED) != null) {
                WeftLog.info("already running in this JVM; nothing to do");
                return;
            }
            WeftConfig config = WeftConfig.fromJvm(agentArgs);
            WeftLog.setLevel(config.logLevel());
            if (!config.enabled()) {
                WeftLog.info("disabled by weft.enabled=false: nothing is woven");
                return;
            }
            ConfigurationErrors errors = new ConfigurationErrors(config.strict());
            config.problems().forEach(errors::report);
            for (String unknown : config.unknownNames()) {
                WeftLog.warn("unknown setting " + unknown + " is ignored (check its spelling)");
            }
            System.setProperty(STARTED, "true");
            instrumentation.addTransformer(new CandidateFilter(config,
                    () -> Weaving.create(config, instrumentation, created -> system = created)), true);
            WeftLog.info(startupLine(config));
        } catch (Throwable t) {
            WeftLog.error("could not start; the application runs without caching: " + t);
        }
    }

    /** The Redis part of the startup line, with any password masked, without loading the Redis client. */
    /** The caches of this JVM, or {@code null} before the first class using a Weft annotation was woven. */
    public static CacheSystem system() {
        return system;
    }

    private static String redis(WeftConfig config) {
        if (config.redisUri() == null) {
            return "L2 off (weft.redis.uri unset); events off";
        }
        String uri = config.redisUri().replaceAll("(://[^:@/]*:)[^@/]*@", "$1****@").replaceAll("(://)[^:@/]+@", "$1****@");
        return "L2 on " + uri + " (timeout " + Durations.format(config.redisTimeout()) + ", namespace '"
                + config.namespace() + "'); events on streams " + config.namespace() + "events:cache.invalidated"
                + (config.eventTemplates().isEmpty() ? "" : " and " + config.eventTemplates().keySet());
    }

    private static String startupLine(WeftConfig config) {
        String version = WeftAgent.class.getPackage().getImplementationVersion();
        return "Weft " + (version == null ? "dev" : version) + " started on Java " + Runtime.version().feature()
                + ": L1 maxSize=" + config.l1MaxSize() + " l1.ttl=" + Durations.format(config.l1Ttl())
                + " ttl=" + Durations.format(config.ttl())
                + "; " + redis(config) + "; weaving " + (config.include().isEmpty() ? "all packages" : config.include())
                + (config.exclude().isEmpty() ? "" : " except " + config.exclude())
                + (config.strict() ? "; strict" : "")
                + "; classes are woven as they load";
    }
}
