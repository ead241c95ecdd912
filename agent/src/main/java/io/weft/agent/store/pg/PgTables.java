package io.weft.agent.store.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables of the shared level in PostgreSQL, named after {@code weft.store.table} ({@code [schema.]name},
 * checked by the configuration): the entries ({@code <table>}: key, JSON value, expiry, size, and the lease of
 * the load that may store the key), the tag members ({@code <table>_tags}) and the events
 * ({@code <table>_events}). Keys are {@code COLLATE "C"}, so that the primary key's index serves prefix ranges.
 */
public final class PgTables {

    /** The channel of the wake-up that follows each append of events. */
    public static final String CHANNEL = "weft_events";

    private final String entries;
    private final String tags;
    private final String events;
    private final String name;

    /** @param table {@code weft.store.table}, already checked to be {@code [schema.]name} of letters, digits and _ */
    public PgTables(String table) {
        this.entries = table;
        this.tags = table + "_tags";
        this.events = table + "_events";
        this.name = table.substring(table.indexOf('.') + 1);
    }

    public String entries() {
        return entries;
    }

    public String tags() {
        return tags;
    }

    public String events() {
        return events;
    }

    /**
     * Creates what is missing, in one transaction holding an advisory lock named after the table, so that
     * instances starting together do not race each other's {@code CREATE TABLE}.
     */
    public void create(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL statement_timeout = '10s'");
            s.execute("SELECT pg_advisory_xact_lock(hashtext('weft:" + entries + "'))");
            s.execute("CREATE TABLE IF NOT EXISTS " + entries + " (key text COLLATE \"C\" PRIMARY KEY, value bytea,"
                    + " expires_at timestamptz NOT NULL, size int NOT NULL DEFAULT 0, lease text, lease_until timestamptz)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name + "_exp ON " + entries + " (expires_at)");
            s.execute("CREATE TABLE IF NOT EXISTS " + tags + " (tag text COLLATE \"C\", key text COLLATE \"C\","
                    + " expires_at timestamptz NOT NULL, PRIMARY KEY (tag, key))");
            s.execute("CREATE INDEX IF NOT EXISTS " + name + "_tagexp ON " + tags + " (expires_at)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name + "_tagkey ON " + tags + " (key)");
            s.execute("CREATE TABLE IF NOT EXISTS " + events + " (id bigserial PRIMARY KEY, type text NOT NULL,"
                    + " event text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
