package io.weft.agent.store;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Why a Redis call failed, as a bounded set of labels ({@code weft_redis_errors_total{reason=…}}): an error reply
 * of Redis by its code, or no reply at all (a timeout, a lost or refused connection).
 */
public enum ErrorReason {
    /** No reply within the timeout. */
    TIMEOUT,
    /** No connection: refused, lost, closed, or commands rejected while reconnecting. */
    CONNECTION,
    /** {@code OOM}: Redis is at {@code maxmemory} with {@code noeviction}. */
    OOM,
    /** {@code NOAUTH}, {@code WRONGPASS}: not authenticated, or with credentials Redis does not accept. */
    NOAUTH,
    /** {@code NOPERM}: the ACL user may not run a command or touch a key. */
    NOPERM,
    /** {@code READONLY}: the server is a replica. */
    READONLY,
    /**
     * {@code LOADING}, {@code MASTERDOWN}, {@code CLUSTERDOWN}, {@code BUSY}, {@code TRYAGAIN}, {@code NOREPLICAS}:
     * not serving (writes) for now.
     */
    UNAVAILABLE,
    /** {@code CROSSSLOT}: keys of one command in different slots (a cluster used as one node). */
    CROSSSLOT,
    /** {@code MOVED}, {@code ASK}: a redirection that was not followed. */
    MOVED,
    /** {@code NOSCRIPT} that was not recovered, or an error raised by a Lua script itself. */
    SCRIPT,
    /** Any other error reply ({@code WRONGTYPE}, {@code ERR …}) or failure. */
    OTHER;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The label value, {@code oom}, {@code noauth} … */
    public String label() {
        return label;
    }

    /**
     * The reason of {@code failure}: the code of the first error reply in its cause chain, else whether it timed out
     * or lost its connection.
     */
    public static ErrorReason of(Throwable failure) {
        String reply = reply(failure);
        if (reply != null) {
            return ofReply(reply);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof RedisCommandTimeoutException
                    || t instanceof SQLTimeoutException || sqlState(t, "57014")) {
                return TIMEOUT;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisException || t instanceof IOException || sqlState(t, "08")) {
                return CONNECTION;
            }
        }
        return OTHER;
    }

    /** Whether {@code t} is a database error whose SQLSTATE starts with {@code state} (57014: canceled by timeout; 08: connection). */
    private static boolean sqlState(Throwable t, String state) {
        return t instanceof SQLException && ((SQLException) t).getSQLState() != null
                && ((SQLException) t).getSQLState().startsWith(state);
    }

    /** The first error reply of Redis in {@code failure}'s cause chain (its message), or null. */
    public static String reply(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return null;
    }

    /** The reason of an error reply, by its code (the first word). */
    static ErrorReason ofReply(String reply) {
        int space = reply.indexOf(' ');
        String code = space < 0 ? reply : reply.substring(0, space);
        switch (code) {
            case "OOM":
                return OOM;
            case "NOAUTH":
            case "WRONGPASS":
                return NOAUTH;
            case "NOPERM":
                return NOPERM;
            case "READONLY":
                return READONLY;
            case "LOADING":
            case "MASTERDOWN":
            case "CLUSTERDOWN":
            case "BUSY":
            case "TRYAGAIN":
            case "NOREPLICAS":
                return UNAVAILABLE;
            case "CROSSSLOT":
                return CROSSSLOT;
            case "MOVED":
            case "ASK":
                return MOVED;
            case "NOSCRIPT":
                return SCRIPT;
            default:
                return code.equals("ERR") && reply.toLowerCase(Locale.ROOT).contains("script") ? SCRIPT : OTHER;
        }
    }
}
