package io.weft.agent.ops;

import io.weft.agent.store.RedisUris;
import io.weft.agent.store.pg.JdbcUrls;

/** Keeps secrets out of what the operations views and the startup line show. */
public final class Redaction {

    private Redaction() {
    }

    /**
     * {@code scheme://****@host:port/…}: a URI as written in the settings, with everything between {@code ://} and
     * its last {@code @} masked (Lettuce takes an {@code @} in a password as written); a JDBC URL with its password
     * parameters masked too ({@link JdbcUrls#redacted}).
     */
    public static String uri(String uri) {
        if (uri == null) {
            return null;
        }
        return uri.startsWith("jdbc:") ? JdbcUrls.redacted(uri) : RedisUris.redactUnparsed(uri);
    }
}
