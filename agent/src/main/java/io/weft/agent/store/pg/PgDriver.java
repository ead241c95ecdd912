package io.weft.agent.store.pg;

import java.sql.Driver;

/**
 * Weft's PostgreSQL driver: pgjdbc relocated into the agent ({@code io.weft.shaded.postgresql}), instantiated
 * directly. Its class registers itself with {@code DriverManager} when it is initialized; that registration is
 * undone at once, so the application's {@code DriverManager.getConnection} never gets Weft's copy, and the
 * application's own driver is never touched.
 */
public final class PgDriver {

    private PgDriver() {
    }

    /** A new driver, not registered with {@code DriverManager}. */
    public static Driver create() {
        org.postgresql.Driver driver = new org.postgresql.Driver();
        if (org.postgresql.Driver.isRegistered()) {
            try {
                org.postgresql.Driver.deregister();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot take Weft's PostgreSQL driver out of DriverManager", e);
            }
        }
        return driver;
    }
}
