package io.weft.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Everything written to standard error (where {@code WeftLog} writes) and to java.util.logging (where
 * the test's own Lettuce clients log) while it is open. Output still reaches the console.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final StringBuffer logged = new StringBuffer();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.append(record.getLoggerName()).append(' ').append(record.getMessage());
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    logged.append(' ').append(parameter);
                }
            }
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                logged.append(' ').append(t);
            }
            logged.append('\n');
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Starts capturing. */
    public LogCapture() {
        System.setErr(new PrintStream(new TeeStream(original, stderr), true, StandardCharsets.UTF_8));
        Logger.getLogger("").addHandler(handler);
    }

    /** What was written so far. */
    public String text() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8) + logged;
        }
    }

    @Override
    public void close() {
        System.setErr(original);
        Logger.getLogger("").removeHandler(handler);
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final PrintStream console;
        private final ByteArrayOutputStream copy;

        TeeStream(PrintStream console, ByteArrayOutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            console.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            console.write(b, off, len);
            synchronized (copy) {
                copy.write(b, off, len);
            }
        }
    }
}
