package io.weft.agent.log;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's log: one line per message on standard error, prefixed {@code [weft]}, so that it goes
 * through no logging framework the application did not choose. {@code weft.log.level} (error,
 * warn, info, debug) sets how much is written.
 */
public final class WeftLog {

    /** Severity of a message. */
    public enum Level { ERROR, WARN, INFO, DEBUG }

    private static final long RATE_LIMIT_NANOS = 60_000_000_000L;
    private static final Map<String, Long> lastWarned = new ConcurrentHashMap<>();
    private static volatile Level threshold = Level.INFO;

    private WeftLog() {
    }

    /** Sets the most verbose level written; unknown names leave the level unchanged. */
    public static void setLevel(String name) {
        try {
            threshold = Level.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            warn("weft.log.level: unknown level '" + name + "' (use error, warn, info or debug)");
        }
    }

    public static void error(String message) {
        write(Level.ERROR, message);
    }

    public static void warn(String message) {
        write(Level.WARN, message);
    }

    public static void info(String message) {
        write(Level.INFO, message);
    }

    public static void debug(String message) {
        write(Level.DEBUG, message);
    }

    public static boolean isDebug() {
        return threshold == Level.DEBUG;
    }

    /** Writes a warning at most once a minute per {@code topic}, so a failing path cannot flood the log. */
    public static void warnRateLimited(String topic, String message) {
        long now = System.nanoTime();
        Long last = lastWarned.get(topic);
        if (last == null || now - last > RATE_LIMIT_NANOS) {
            lastWarned.put(topic, now);
            warn(message);
        }
    }

    private static void write(Level level, String message) {
        if (level.ordinal() <= threshold.ordinal()) {
            System.err.println("[weft] " + level + " " + message);
        }
    }
}
