package io.weft.agent.weaving;

import io.weft.agent.log.WeftLog;

/** Reports configuration errors (SPEC §7): one message each, and under {@code weft.strict=true} the JVM stops. */
public final class ConfigurationErrors {

    /** Exit status of a JVM stopped by {@code weft.strict=true}. */
    public static final int STRICT_EXIT_STATUS = 78;

    private final boolean strict;

    public ConfigurationErrors(boolean strict) {
        this.strict = strict;
    }

    /** Reports one problem that names its {@code Class#method} or property. */
    public void report(String problem) {
        WeftLog.error("configuration error: " + problem + (strict ? "" : "; left unwoven, the application continues"));
        if (strict) {
            WeftLog.error("weft.strict=true: stopping the JVM");
            Runtime.getRuntime().halt(STRICT_EXIT_STATUS);
        }
    }
}
