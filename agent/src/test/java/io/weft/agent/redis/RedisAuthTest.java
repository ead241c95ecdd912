package io.weft.agent.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.AclSetuserArgs;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.LogCapture;
import io.weft.agent.testing.RedisFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Passwords (requirepass) and ACL users; the password never shows in what is logged. */
class RedisAuthTest {

    private static final String PASSWORD = "requirepass-Secret-1";
    private static RedisFixture redis;

    @BeforeAll
    static void start() {
        redis = RedisFixture.startLocal(PASSWORD);
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static void assertStoreWorks(String uri, String secret) {
        try (LogCapture log = new LogCapture();
                RedisEndpoint endpoint = new RedisEndpoint(uri);
                RedisStore store = new RedisStore(endpoint, Duration.ofMillis(500), new CircuitBreaker("auth test"))) {
            store.set("auth:k", "v".getBytes(StandardCharsets.UTF_8), 60_000);
            Await.until("the value is stored", () -> store.get("auth:k") != null);
            assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), store.get("auth:k"));
            assertFalse(endpoint.redacted().contains(secret), endpoint.redacted());
            assertFalse(log.text().contains(secret), log.text());
        }
    }

    @Test
    void theDefaultUserAuthenticatesWithRequirepass() {
        assertStoreWorks(redis.uri(), PASSWORD);
    }

    @Test
    void anAclUserAuthenticatesWithNameAndPassword() {
        String secret = "acl-Secret-2";
        redis.admin().aclSetuser("weft", AclSetuserArgs.Builder.on().addPassword(secret).allKeys().allCommands());

        assertStoreWorks(redis.uri("weft", secret), secret);
    }

    @Test
    void aWrongPasswordFailsQuietlyAndIsNeverLogged() {
        String wrong = "wrong-Secret-3";
        try (LogCapture log = new LogCapture();
                RedisEndpoint endpoint = new RedisEndpoint(redis.uri("default", wrong));
                RedisStore store = new RedisStore(endpoint, Duration.ofMillis(250), new CircuitBreaker("auth test"))) {
            for (int i = 0; i < 3; i++) {
                assertNull(store.get("auth:k"));
            }
            assertTrue(store.failures() >= 3);
            assertEquals(CircuitBreaker.State.OPEN, store.state());
            assertEquals("redis://default:****@127.0.0.1:" + redis.port(), endpoint.redacted());
            assertFalse(log.text().contains(wrong), log.text());
        }
    }
}
