package io.weft.agent.store.pg;

import io.weft.agent.store.Background;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A fixed number of connections to PostgreSQL, opened when first needed, over Weft's own (relocated) driver:
 * a caller waits at most the timeout for one ({@link #borrow}), and every statement on them is cut off by the
 * server after the same timeout ({@code statement_timeout}); a connection that failed is closed rather than
 * reused. The connections carry {@code application_name} so that an operator sees whose they are.
 */
public final class PgPool implements AutoCloseable {

    /** How many connections callers share: a lookup or a store holds one for a single round trip. */
    static final int SIZE = 4;

    private final Driver driver;
    private final String url;
    private final Properties properties;
    private final long timeoutNanos;
    private final long statementTimeoutMillis;
    private final Semaphore permits = new Semaphore(SIZE, true);
    private final ArrayBlockingQueue<Connection> idle = new ArrayBlockingQueue<>(SIZE);
    /** Opens connections ({@link #opened}): at most one per permit, so never more than {@link #SIZE} at once. */
    private final ExecutorService opener = new ThreadPoolExecutor(0, SIZE, 10, TimeUnit.SECONDS,
            new SynchronousQueue<>(), Background.threads("weft-store-open"));
    private volatile boolean closed;

    /**
     * @param url {@code weft.store.uri}
     * @param timeout {@code weft.store.timeout}: the wait for a connection, and each statement's bound
     * @param applicationName what {@code pg_stat_activity} shows for these connections
     */
    public PgPool(Driver driver, String url, Duration timeout, String applicationName) {
        this.driver = driver;
        this.url = url;
        this.timeoutNanos = timeout.toNanos();
        this.statementTimeoutMillis = Math.max(1, timeout.toMillis());
        this.properties = connectionProperties(timeout, applicationName);
    }

    /**
     * The driver's properties: the connect and login bounds, and a socket bound past the statement timeout (in
     * whole seconds, the driver's unit) for a network that drops packets silently. The URL's own win.
     */
    static Properties connectionProperties(Duration timeout, String applicationName) {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        Properties p = new Properties();
        p.setProperty("connectTimeout", Long.toString(seconds));
        p.setProperty("loginTimeout", Long.toString(seconds));
        p.setProperty("socketTimeout", Long.toString(seconds + 1));
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    /** Opens one connection outside the pool, with {@code properties} in place of the pool's socket bound. */
    Connection open(Properties overrides) throws SQLException {
        Properties p = new Properties();
        p.putAll(properties);
        p.putAll(overrides);
        Connection c;
        try {
            c = driver.connect(url, p);
        } catch (SQLException e) {
            // the only call given the URL: what it throws reaches every log through the store, reader and publisher
            throw JdbcUrls.withoutPassword(e, url);
        }
        if (c == null) {
            throw new SQLException("the PostgreSQL driver does not accept weft.store.uri");
        }
        return c;
    }

    /**
     * A connection, waiting at most the timeout for one to be free (opening it if need be); give it back with
     * {@link #giveBack}.
     *
     * @throws SQLTimeoutException when none was free in time
     */
    public Connection borrow() throws SQLException {
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            if (closed || !permits.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                throw new SQLTimeoutException("no connection to PostgreSQL was free within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTimeoutException("interrupted while waiting for a connection to PostgreSQL");
        }
        Connection c = idle.poll();
        return c != null ? c : opened(deadline);
    }

    /**
     * A new connection for the permit the caller holds, opened on {@link #opener} and waited for until
     * {@code deadline}: the driver bounds opening only in whole seconds (at least 1 s), so a database that accepts
     * connections and never answers would hold a caller that long. One that opens after the caller gave up is kept
     * for the next, one that fails gives its permit back.
     */
    private Connection opened(long deadline) throws SQLException {
        CompletableFuture<Connection> opening;
        try {
            opening = CompletableFuture.supplyAsync(this::openForPool, opener);
        } catch (RejectedExecutionException e) {
            permits.release();
            throw new SQLException("the connections to PostgreSQL are closed");
        }
        try {
            return opening.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            opening.whenComplete((late, failure) -> {
                if (late != null) {
                    giveBack(late, false);
                } else {
                    permits.release();
                }
            });
            throw new SQLTimeoutException("no connection to PostgreSQL opened within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        } catch (ExecutionException e) {
            permits.release();
            Throwable cause = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
            if (cause instanceof SQLException) {
                throw (SQLException) cause;
            }
            throw new SQLException("could not open a connection to PostgreSQL", cause);
        }
    }

    /**
     * Opens a connection of the pool: each statement on it is cut off after the timeout by the server
     * ({@code statement_timeout}) and by the socket ({@link Connection#setNetworkTimeout}, in milliseconds where the
     * driver's {@code socketTimeout} counts whole seconds), so a stalled database holds no caller longer.
     */
    private Connection openForPool() {
        Connection c = null;
        try {
            c = open(new Properties());
            try (Statement s = c.createStatement()) {
                s.execute("SET statement_timeout = " + statementTimeoutMillis);
            }
            c.setNetworkTimeout(opener, (int) Math.min(Integer.MAX_VALUE, statementTimeoutMillis));
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw new CompletionException(e);
        }
    }

    /** Returns a borrowed connection; a {@code broken} one (its statement failed) is closed instead of kept. */
    public void giveBack(Connection c, boolean broken) {
        if (broken || closed || !idle.offer(c)) {
            closeQuietly(c);
        }
        permits.release();
    }

    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // it is dropped either way
        }
    }

    /** Closes the idle connections; those borrowed are closed when given back. */
    @Override
    public void close() {
        closed = true;
        for (Connection c = idle.poll(); c != null; c = idle.poll()) {
            closeQuietly(c);
        }
        opener.shutdown();
    }
}
