package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SetupErrorsTest {

    private final AtomicLong now = new AtomicLong();

    @Test
    void clusterRepliesAreRememberedForAMinute() {
        SetupErrors errors = new SetupErrors(false, now::get);
        assertNull(errors.recent());
        assertTrue(errors.note(new CompletionException(new RedisCommandExecutionException("MOVED 3999 127.0.0.1:7001"))));
        assertEquals("MOVED 3999 127.0.0.1:7001; if it is a Redis Cluster, set weft.redis.cluster=true", errors.recent());
        now.addAndGet(SetupErrors.WINDOW.toNanos());
        assertTrue(errors.recent().startsWith("MOVED"));
        now.incrementAndGet();
        assertNull(errors.recent());
    }

    @Test
    void crossSlotAndClusterDownCountOtherFailuresDoNot() {
        SetupErrors errors = new SetupErrors(true, now::get);
        assertFalse(errors.note(new RedisCommandExecutionException("WRONGTYPE Operation against a key")));
        assertFalse(errors.note(new RedisCommandTimeoutException("Command timed out")));
        assertFalse(errors.note(new RedisCommandExecutionException("MOVEDX not a cluster reply")));
        assertNull(errors.recent());
        assertTrue(errors.note(new RedisCommandExecutionException("CLUSTERDOWN The cluster is down")));
        assertEquals("CLUSTERDOWN The cluster is down", errors.recent());
        assertTrue(errors.note(new RedisCommandExecutionException("CROSSSLOT Keys in request don't hash to the same slot")));
        assertTrue(errors.recent().startsWith("CROSSSLOT"));
    }
}
