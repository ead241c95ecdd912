package io.weft.agent.store.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Trims the events table to about {@code weft.stream.maxlen} rows, as {@code XADD … MAXLEN ~} caps a stream: each
 * batch deletes the oldest events more than {@code maxlen} ids behind the last one, at most {@link PgCleanup#BATCH}
 * (a range of the primary key's index, well within a statement's bound however long the table has grown).
 */
final class EventTrim {

    private final String deleteBatch;
    private final long maxLen;

    /** @param maxLen {@code weft.stream.maxlen}: about how many events the table keeps */
    EventTrim(PgTables tables, long maxLen) {
        String t = tables.events();
        this.deleteBatch = "DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t + " WHERE id <= (SELECT max(id)"
                + " FROM " + t + ") - ? ORDER BY id LIMIT " + PgCleanup.BATCH + ")";
        this.maxLen = maxLen;
    }

    /** Deletes one batch of the events past the bound; returns how many (fewer than a batch: none are left). */
    int deleteBatch(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(deleteBatch)) {
            s.setLong(1, maxLen);
            return s.executeUpdate();
        }
    }
}
