package io.weft.it.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The shared PostgreSQL at 127.0.0.1:5432 as the tests of {@code weft.store.uri} see it: each test names its own
 * tables ({@link #randomTable}) and drops them ({@link #drop}), since other runs use the database at the same time.
 */
public final class Postgres {

    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private Postgres() {
    }

    /** A table name of its own, {@code weft_it_<random>}: {@code weft.store.table}. */
    public static String randomTable() {
        return "weft_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Runs {@code sql} and returns the first column of its first row as text (null without rows). */
    public static String query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        }
    }

    /** Runs {@code sql} (no result). */
    public static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Drops the tables Weft made for {@code table}. */
    public static void drop(String table) throws SQLException {
        execute("DROP TABLE IF EXISTS " + table + ", " + table + "_tags, " + table + "_events");
    }

    /** Ends the connections of the JVM {@code pid}'s agent (its application name, its instance id, holds the pid) from the server's side. */
    public static int terminateAgentConnections(long pid) throws SQLException {
        return Integer.parseInt(query("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE application_name LIKE 'weft:%-" + pid + "-%'"));
    }
}
