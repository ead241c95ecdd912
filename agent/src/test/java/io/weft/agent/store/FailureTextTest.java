package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.RedisConnectionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailureTextTest {

    /** Issue 10: "Unable to connect to 127.0.0.1/<unresolved>:41295" named the address in Lettuce's words. */
    @Test
    void anUnresolvedAddressReadsAsHostAndPort() {
        RedisConnectionException refused = new RedisConnectionException("Unable to connect to 127.0.0.1/<unresolved>:41295");

        assertEquals("RedisConnectionException: Unable to connect to 127.0.0.1:41295",
                FailureText.of(new ExecutionException(new CompletionException(refused))));
    }

    @Test
    void aTimeoutSaysNoReplyCame() {
        assertEquals("no reply within the timeout", FailureText.of(new TimeoutException()));
        assertEquals("IllegalStateException", FailureText.of(new IllegalStateException()));
    }
}
