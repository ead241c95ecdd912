package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.RedisCommandExecutionException;
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

    /** A Sentinel that refused the user: Lettuce's outer exception has no message; the reply is deep inside. */
    @Test
    void anErrorReplyUnderAConnectionFailureIsQuoted() {
        RedisConnectionException sentinel = new RedisConnectionException("Cannot connect Redis Sentinel at redis://h:1",
                new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled."));
        RedisConnectionException failure = new RedisConnectionException(null,
                new RedisConnectionException("Cannot connect to a Redis Sentinel: [redis://h:1]", sentinel));

        assertEquals("RedisConnectionException (WRONGPASS invalid username-password pair or user is disabled.)",
                FailureText.of(new CompletionException(failure)));
        assertEquals("RedisCommandExecutionException: NOAUTH Authentication required.",
                FailureText.of(new RedisCommandExecutionException("NOAUTH Authentication required.")));
    }

    @Test
    void aTimeoutSaysNoReplyCame() {
        assertEquals("no reply within the timeout", FailureText.of(new TimeoutException()));
        assertEquals("IllegalStateException", FailureText.of(new IllegalStateException()));
    }
}
