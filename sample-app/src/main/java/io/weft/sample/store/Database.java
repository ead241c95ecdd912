package io.weft.sample.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Plain JDBC access to H2 or PostgreSQL through a tiny pool of reused connections.
 * {@link SQLException}s come out as {@link DataAccessException}s.
 */
public final class Database {

    private static final int MAX_IDLE = 16;

    private final String url;
    private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(MAX_IDLE);

    public Database(String url) {
        this.url = url;
    }

    /** Work done with a connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** An unchecked {@link SQLException}. */
    public static final class DataAccessException extends RuntimeException {
        DataAccessException(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        /** The SQLSTATE of the failure, e.g. {@code 23505} for a duplicate key. */
        public String sqlState() {
            return ((SQLException) getCause()).getSQLState();
        }
    }

    /** Runs {@code work} in auto-commit mode. */
    public <T> T read(SqlWork<T> work) {
        return run(true, work);
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T write(SqlWork<T> work) {
        return run(false, work);
    }

    private <T> T run(boolean autoCommit, SqlWork<T> work) {
        Connection connection = null;
        boolean reusable = false;
        try {
            connection = idle.poll();
            if (connection == null) {
                connection = DriverManager.getConnection(url);
            }
            connection.setAutoCommit(autoCommit);
            T result = work.run(connection);
            if (!autoCommit) {
                connection.commit();
            }
            reusable = true;
            return result;
        } catch (SQLException e) {
            throw new DataAccessException(e);
        } finally {
            if (connection != null && !(reusable && idle.offer(connection))) {
                closeQuietly(connection);
            }
        }
    }

    /** Closing a connection without commit rolls its transaction back. */
    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the connection is dropped either way
        }
    }
}
