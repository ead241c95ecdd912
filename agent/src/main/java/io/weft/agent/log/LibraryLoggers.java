package io.weft.agent.log;

import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * The {@link System.Logger}s of the libraries Weft carries that log through {@code System.getLogger} (Caffeine):
 * when the agent jar is built, their calls of {@code System.getLogger(String)} are pointed here
 * ({@code agent/src/build/PatchLibraryLoggers.java}). Called from a class outside the JDK's modules,
 * {@code System.getLogger} starts {@code java.util.logging}'s {@code LogManager} at once, so Weft would start it while
 * it weaves the application's first class, before the application's {@code main} can choose its own
 * ({@code java.util.logging.manager}, as the Log4j and JBoss bridges need), and on a thread of Weft's. These loggers
 * write warnings and errors through {@link WeftLog} (rate-limited per logger) and drop the rest.
 */
public final class LibraryLoggers {

    private LibraryLoggers() {
    }

    /** What {@code System.getLogger(name)} returns in the patched libraries. */
    public static System.Logger getLogger(String name) {
        return new Logger(name);
    }

    private static final class Logger implements System.Logger {
        private final String name;

        Logger(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= Level.WARNING.getSeverity() && level != Level.OFF;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            if (isLoggable(level)) {
                write(message + (thrown == null ? "" : ": " + thrown));
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                write(params == null || params.length == 0 ? format : MessageFormat.format(format, params));
            }
        }

        private void write(String text) {
            WeftLog.warnRateLimited("library-log:" + name, name + ": " + text);
        }
    }
}
