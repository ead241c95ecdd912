package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RedisErrorsTest {

    private final AtomicLong now = new AtomicLong();

    @Test
    void theLastErrorReplyIsRememberedForAMinuteWithItsAge() {
        RedisErrors errors = new RedisErrors(true, now::get);
        assertNull(errors.recentReply());
        errors.note(new CompletionException(new RedisCommandExecutionException(
                "OOM command not allowed when used memory > 'maxmemory'.")));
        now.addAndGet(TimeUnit.SECONDS.toNanos(4));
        assertEquals("OOM command not allowed when used memory > 'maxmemory'. (4 s ago)", errors.recentReply());
        errors.note(new RedisCommandTimeoutException("Command timed out"));
        assertEquals("OOM command not allowed when used memory > 'maxmemory'. (4 s ago)", errors.recentReply(),
                "no reply is no error reply");
        now.addAndGet(RedisErrors.WINDOW.toNanos() - TimeUnit.SECONDS.toNanos(4));
        assertEquals("OOM command not allowed when used memory > 'maxmemory'. (60 s ago)", errors.recentReply());
        now.incrementAndGet();
        assertNull(errors.recentReply());
    }

    @Test
    void aClustersRepliesSayWhatToDoWhenTheFlagIsOff() {
        RedisErrors errors = new RedisErrors(false, now::get);
        errors.note(new CompletionException(new RedisCommandExecutionException("MOVED 3999 127.0.0.1:7001")));
        assertEquals("MOVED 3999 127.0.0.1:7001 (0 s ago); if it is a Redis Cluster, set weft.redis.cluster=true",
                errors.recentReply());
        errors.note(new RedisCommandExecutionException("READONLY You can't write against a read only replica."));
        assertEquals("READONLY You can't write against a read only replica. (0 s ago)", errors.recentReply());
        RedisErrors onACluster = new RedisErrors(true, now::get);
        onACluster.note(new RedisCommandExecutionException("CLUSTERDOWN The cluster is down"));
        assertEquals("CLUSTERDOWN The cluster is down (0 s ago)", onACluster.recentReply());
    }

    @Test
    void failuresAreCountedByReason() {
        RedisErrors errors = new RedisErrors(false, now::get);
        errors.note(new RedisCommandExecutionException("NOAUTH Authentication required."));
        errors.note(new RedisConnectionException("refused", new RedisCommandExecutionException("WRONGPASS invalid")));
        errors.note(new RedisConnectionException("Connection closed"));
        assertEquals(2, errors.count(ErrorReason.NOAUTH));
        assertEquals(1, errors.count(ErrorReason.CONNECTION));
        assertEquals(0, errors.count(ErrorReason.OOM));
    }
}
