package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ErrorReasonTest {

    @Test
    void databaseErrorsAreClassifiedByTheirSqlState() {
        assertEquals(ErrorReason.TIMEOUT, ErrorReason.of(new SQLTimeoutException("no pooled connection free")));
        assertEquals(ErrorReason.TIMEOUT, ErrorReason.of(new SQLException("canceling statement", "57014")));
        assertEquals(ErrorReason.CONNECTION, ErrorReason.of(new SQLException("I/O error", "08006")));
        assertEquals(ErrorReason.OTHER, ErrorReason.of(new SQLException("relation does not exist", "42P01")));
        assertEquals(ErrorReason.OTHER, ErrorReason.of(new SQLException("no state")));
    }

    private static ErrorReason reply(String message) {
        return ErrorReason.of(new ExecutionException(new RedisCommandExecutionException(message)));
    }

    @Test
    void errorRepliesAreClassifiedByTheirCode() {
        // the replies of redis-server 7 (inside scripts they keep their code and gain a "script: …" suffix)
        assertEquals(ErrorReason.OOM, reply("OOM command not allowed when used memory > 'maxmemory'. script: 7cf9, on @user_script:1."));
        assertEquals(ErrorReason.NOAUTH, reply("NOAUTH Authentication required."));
        assertEquals(ErrorReason.NOAUTH, reply("WRONGPASS invalid username-password pair or user is disabled."));
        assertEquals(ErrorReason.NOPERM, reply("NOPERM this user has no permissions to run the 'evalsha' command"));
        assertEquals(ErrorReason.READONLY, reply("READONLY You can't write against a read only replica."));
        assertEquals(ErrorReason.UNAVAILABLE, reply("LOADING Redis is loading the dataset in memory"));
        assertEquals(ErrorReason.UNAVAILABLE, reply("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."));
        assertEquals(ErrorReason.UNAVAILABLE, reply("CLUSTERDOWN The cluster is down"));
        assertEquals(ErrorReason.UNAVAILABLE, reply("BUSY Redis is busy running a script."));
        assertEquals(ErrorReason.UNAVAILABLE, reply("NOREPLICAS Not enough good replicas to write."));
        assertEquals(ErrorReason.CROSSSLOT, reply("CROSSSLOT Keys in request don't hash to the same slot"));
        assertEquals(ErrorReason.MOVED, reply("MOVED 3999 127.0.0.1:7001"));
        assertEquals(ErrorReason.MOVED, reply("ASK 3999 127.0.0.1:7001"));
        assertEquals(ErrorReason.SCRIPT, reply("NOSCRIPT No matching script. Please use EVAL."));
        assertEquals(ErrorReason.SCRIPT,
                reply("ERR user_script:1: attempt to perform arithmetic on a nil value script: 443c, on @user_script:1."));
        assertEquals(ErrorReason.SCRIPT, reply("ERR Error running script (call to f_1234): @user_script:1: boom"));
        assertEquals(ErrorReason.OTHER, reply("WRONGTYPE Operation against a key holding the wrong kind of value"));
        assertEquals(ErrorReason.OTHER, reply("ERR unknown command 'EVALSHA'"));
        assertEquals(ErrorReason.OTHER, reply("MOVEDX not a cluster reply"));
    }

    @Test
    void aReplyInsideAFailedConnectionCountsAsTheReply() {
        assertEquals(ErrorReason.NOAUTH, ErrorReason.of(new CompletionException(new RedisConnectionException(
                "Unable to connect", new RedisCommandExecutionException("NOAUTH HELLO must be called …")))));
    }

    @Test
    void failuresWithoutAReplyAreTimeoutsOrConnections() {
        assertEquals(ErrorReason.TIMEOUT, ErrorReason.of(new TimeoutException()));
        assertEquals(ErrorReason.TIMEOUT, ErrorReason.of(new CompletionException(new RedisCommandTimeoutException("timed out"))));
        assertEquals(ErrorReason.CONNECTION, ErrorReason.of(new RedisException("Currently not connected. Commands are rejected.")));
        assertEquals(ErrorReason.CONNECTION, ErrorReason.of(new ExecutionException(new RedisConnectionException("refused",
                new IOException("Connection refused")))));
        assertEquals(ErrorReason.OTHER, ErrorReason.of(new ClassCastException("a bug")));
        assertEquals("unavailable", ErrorReason.UNAVAILABLE.label());
    }
}
