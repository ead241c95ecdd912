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

    /** Reports a problem with an annotated method, named by its {@code Class#method}: the method is left unwoven. */
    public void report(String problem) {
        report(problem, "; left unwoven, the application continues");
    }

    /** Reports a malformed setting, named in {@code problem} with the value used instead. */
    public void reportSetting(String problem) {
        report(problem, "; the application continues");
    }

    private void report(String problem, String consequence) {
        WeftLog.error("configuration error: " + problem + (strict ? "" : consequence));
        if (strict) {
            WeftLog.error("weft.strict=true: stopping the JVM");
            Runtime.getRuntime().halt(STRICT_EXIT_STATUS);
        }
    }
}
