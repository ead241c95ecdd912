package io.weft.agent.store;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.weft.agent.log.WeftLog;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The user and password of a {@code redis-sentinel://} URI, sent to its Sentinels too (Lettuce sends them to the
 * servers only): Sentinels with a password or ACL users need them. Sentinels without a password take a password
 * alone but refuse a user they do not know ({@code WRONGPASS}); once one has, the Sentinels are asked without
 * credentials.
 */
final class SentinelCredentials {

    private static final RedisCredentials NONE = RedisCredentials.just(null, (CharSequence) null);

    private final String uri;
    private final RedisCredentials credentials;
    private final AtomicBoolean refused = new AtomicBoolean();

    private SentinelCredentials(String redacted, RedisCredentials credentials) {
        this.uri = redacted;
        this.credentials = credentials;
    }

    /**
     * Gives the Sentinels of {@code uri} its credentials.
     *
     * @return null when {@code uri} names no Sentinels or holds no credentials
     */
    static SentinelCredentials apply(RedisURI uri, String redacted) {
        RedisCredentials credentials = credentialsOf(uri);
        if (uri.getSentinels().isEmpty() || !credentials.hasUsername() && !credentials.hasPassword()) {
            return null;
        }
        SentinelCredentials sentinels = new SentinelCredentials(redacted, credentials);
        RedisCredentialsProvider provider = RedisCredentialsProvider.from(
                () -> sentinels.refused.get() ? NONE : sentinels.credentials);
        uri.getSentinels().forEach(sentinel -> sentinel.setCredentialsProvider(provider));
        return sentinels;
    }

    @SuppressWarnings("deprecation") // read once, synchronously
    private static RedisCredentials credentialsOf(RedisURI uri) {
        return RedisCredentials.just(uri.getUsername(), uri.getPassword() == null ? null : new String(uri.getPassword()));
    }

    /**
     * Whether {@code failure} (of opening a connection) holds a Sentinel's refusal of the user: the Sentinels are
     * then asked without credentials from now on (and were perhaps already, after another connection's refusal),
     * so opening may be tried again.
     */
    boolean refusedBy(Throwable failure) {
        if (!credentials.hasUsername() || !sentinelRefused(failure)) {
            return false;
        }
        if (refused.compareAndSet(false, true)) {
            WeftLog.warn("the Sentinels of " + uri + " do not know the user " + credentials.getUsername()
                    + " (WRONGPASS); asking them without credentials (the servers still get them)");
        }
        return true;
    }

    private static boolean sentinelRefused(Throwable failure) {
        if (failure == null) {
            return false;
        }
        String reply = ErrorReason.reply(failure);
        if (failure instanceof RedisConnectionException && String.valueOf(failure.getMessage()).contains("Sentinel")
                && reply != null && reply.startsWith("WRONGPASS")) {
            return true;
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            if (sentinelRefused(suppressed)) {
                return true;
            }
        }
        return sentinelRefused(failure.getCause());
    }
}
