package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Driver;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

class PgDriverTest {

    @Test
    void weftsDriverIsNotLeftInDriverManager() throws Exception {
        Driver driver = PgDriver.create();
        assertFalse(org.postgresql.Driver.isRegistered());
        assertTrue(DriverManager.drivers().noneMatch(registered -> registered == driver));
        assertTrue(driver.acceptsURL("jdbc:postgresql://127.0.0.1:5432/test"));
    }
}
