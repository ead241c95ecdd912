package app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Creates the torture table ({@link Torture#TABLE}, one per test run, so that runs sharing the database never
 * write each other's rows) with {@code keys} rows at version 0, or drops it: {@code create <url> <keys>} or
 * {@code drop <url>}.
 */
public class TortureSetup {

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[1]); Statement s = c.createStatement()) {
            if (args[0].equals("drop")) {
                s.execute("DROP TABLE IF EXISTS " + Torture.TABLE);
            } else {
                s.execute("CREATE TABLE IF NOT EXISTS " + Torture.TABLE + " (k INT PRIMARY KEY, v BIGINT NOT NULL)");
                s.execute("DELETE FROM " + Torture.TABLE);
                for (int k = 0; k < Integer.parseInt(args[2]); k++) {
                    s.execute("INSERT INTO " + Torture.TABLE + " (k, v) VALUES (" + k + ", 0)");
                }
            }
        }
        System.out.println("DONE");
    }
}
