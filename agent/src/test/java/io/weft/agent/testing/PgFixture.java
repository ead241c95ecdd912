package io.weft.agent.testing;

import io.weft.agent.store.pg.PgDriver;
import io.weft.agent.store.pg.PgPool;
import io.weft.agent.store.pg.PgTables;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * Tables of their own on the shared PostgreSQL at 127.0.0.1:5432 (database {@code test}, user
 * {@code postgres}), named {@code weft_t_<random>}, created at start and dropped at {@link #close}: other runs
 * use the database at the same time.
 */
public final class PgFixture implements AutoCloseable {

    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final String table = "weft_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final PgTables tables = new PgTables(table);
    private final PgPool pool;

    private PgFixture(Duration timeout) {
        this.pool = new PgPool(PgDriver.create(), URL, timeout, "weft-test " + table);
    }

    /** Creates the tables, with pooled connections bounded by {@code timeout}. */
    public static PgFixture start(Duration timeout) throws SQLException {
        PgFixture fixture = new PgFixture(timeout);
        fixture.query(c -> {
            fixture.tables.create(c);
            return null;
        });
        return fixture;
    }

    /** The entries table's name ({@code weft.store.table}). */
    public String table() {
        return table;
    }

    public PgTables tables() {
        return tables;
    }

    public PgPool pool() {
        return pool;
    }

    /** Something to do on a pooled connection. */
    @FunctionalInterface
    public interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    /** Runs SQL on a pooled connection (which is given back). */
    public <T> T query(Work<T> work) throws SQLException {
        Connection c = pool.borrow();
        boolean broken = true;
        try {
            T result = work.on(c);
            broken = false;
            return result;
        } finally {
            pool.giveBack(c, broken);
        }
    }

    /** Runs {@code sql} and returns the rows it changed. */
    public int update(String sql) throws SQLException {
        return query(c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(sql);
            }
        });
    }

    /** How many rows {@code table} holds. */
    public long rows(String table) throws SQLException {
        return query(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    /** Drops the tables and closes the pool. */
    @Override
    public void close() throws SQLException {
        try {
            update("DROP TABLE IF EXISTS " + tables.entries() + ", " + tables.tags() + ", " + tables.events());
        } finally {
            pool.close();
        }
    }
}
