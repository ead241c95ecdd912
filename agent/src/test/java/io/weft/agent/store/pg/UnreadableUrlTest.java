package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisErrors;
import io.weft.agent.testing.LogCapture;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A {@code weft.store.uri} that pgjdbc cannot read gets past the checks of the settings only without them
 * ({@code SettingChecks.NONE}); the driver's {@code Unable to parse URL <url>} then reaches the logs with the URL's
 * password masked. No database is needed: the URL is refused before any connection.
 */
class UnreadableUrlTest {

    private static final String URL = "jdbc:postgresql://db/app?user=weft&password=100%secure";

    @Test
    void theDriversFailureQuotesTheUrlWithoutItsPassword() {
        try (PgPool pool = new PgPool(PgDriver.create(), URL, Duration.ofSeconds(1), "weft test")) {
            SQLException e = assertThrows(SQLException.class, pool::borrow);
            assertFalse(e.getMessage().contains("secure"), e.getMessage());
            assertTrue(e.getMessage().contains("jdbc:postgresql://db/app?user=weft&password=****"), e.getMessage());
        }
    }

    @Test
    void theStoresWarningHoldsNoPassword() {
        try (PgPool pool = new PgPool(PgDriver.create(), URL, Duration.ofSeconds(1), "weft test");
                LogCapture log = new LogCapture()) {
            PgStore store = new PgStore(pool, new PgTables("weft_secrets_test"), JdbcUrls.redacted(URL),
                    new CircuitBreaker("L2"), new RedisErrors(true), Runnable::run, 30_000);
            // a command of its own: its warning is rate-limited per command in the whole JVM, where other tests' fail
            assertEquals("fallback", store.call("unreadable URL lookup", c -> "reached", "fallback"));
            String text = log.text();
            assertTrue(text.contains("unreadable URL lookup failed") && text.contains("Unable to parse URL"), text);
            assertFalse(text.contains("secure"), text);
        }
    }
}
