package app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Creates the torture table with {@code keys} rows at version 0. */
public class TortureSetup {

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0]); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS weft_torture (k INT PRIMARY KEY, v BIGINT NOT NULL)");
            s.execute("DELETE FROM weft_torture");
            for (int k = 0; k < Integer.parseInt(args[1]); k++) {
                s.execute("INSERT INTO weft_torture (k, v) VALUES (" + k + ", 0)");
            }
        }
        System.out.println("DONE");
    }
}
