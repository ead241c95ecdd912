package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.PgFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7 and §14 (outages as with Redis): a caller waits at most {@code weft.store.timeout} for the database, also one
 * that accepts connections and never answers, and one whose backend stalls mid-statement; the driver's own bounds are
 * whole seconds (at least 1 s to open, 2 s on a socket).
 */
class PgPoolTest {

    private static final Duration TIMEOUT = Duration.ofMillis(150);
    /** Well under the driver's whole-second bounds, well over the timeout on a loaded machine. */
    private static final long BOUND_MILLIS = 800;

    @Test
    void aDatabaseThatAcceptsAndNeverAnswersHoldsACallerOnlyTheTimeout() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                PgPool pool = new PgPool(PgDriver.create(), "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort()
                        + "/test?user=postgres", TIMEOUT, "weft test")) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // held open, never answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent database");
            acceptor.setDaemon(true);
            acceptor.start();
            for (int call = 0; call < 3; call++) {
                long began = System.nanoTime();
                assertThrows(SQLTimeoutException.class, pool::borrow);
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
                assertTrue(tookMillis < BOUND_MILLIS, "call " + call + " waited " + tookMillis + " ms for a connection");
            }
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void aStatementOnABackendThatStallsIsCutOffAfterTheTimeout() throws Exception {
        try (PgPool pool = new PgPool(PgDriver.create(), PgFixture.URL, TIMEOUT, "weft test")) {
            Connection c = pool.borrow();
            long backend;
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
                r.next();
                backend = r.getLong(1);
            }
            signal("STOP", backend); // the backend stops answering, its socket stays open
            try {
                long began = System.nanoTime();
                assertThrows(SQLException.class, () -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT 1");
                    }
                });
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
                assertTrue(tookMillis < BOUND_MILLIS, "the statement waited " + tookMillis + " ms");
            } finally {
                signal("CONT", backend);
                pool.giveBack(c, true);
            }
        }
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed");
        }
    }
}
