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
        deregister();
        return driver;
    }

    /**
     * Why the driver would not read {@code url} (a {@code jdbc:postgresql://} URL), or {@code null} when it would.
     * The answer never quotes the URL. Its slashes are checked here first: for those the driver's own parser logs
     * the whole URL, password included, as a warning of its own (java.util.logging).
     */
    public static String urlProblem(String url) {
        int query = url.indexOf('?');
        String server = (query < 0 ? url : url.substring(0, query)).substring("jdbc:postgresql://".length());
        int slash = server.indexOf('/');
        if (!server.isEmpty() && !server.equals("/") && (slash < 0 || server.indexOf('/', slash + 1) >= 0)) {
            return "needs one / between host[:port] and the database name (jdbc:postgresql://host:port/db?…)";
        }
        boolean parsed = org.postgresql.Driver.parseURL(url, null) != null;
        deregister(); // the class initializer that parseURL ran registered it
        return parsed ? null : "is not a URL the PostgreSQL driver reads (a port out of range, or a % in a parameter"
                + " that is not percent-encoding: write % as %25, & as %26)";
    }

    /** Undoes the registration with {@code DriverManager} that the driver's class initializer made. */
    private static void deregister() {
        if (org.postgresql.Driver.isRegistered()) {
            try {
                org.postgresql.Driver.deregister();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot take Weft's PostgreSQL driver out of DriverManager", e);
            }
        }
    }
}
