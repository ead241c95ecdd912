package io.weft.agent.ops;

import io.weft.agent.store.pg.JdbcUrls;

/** Keeps secrets out of what the operations views show. */
final class Redaction {

    private Redaction() {
    }

    /**
     * {@code scheme://****@host:port/…}: a URI with everything between {@code ://} and its last {@code @} masked;
     * a JDBC URL with its {@code password} parameter masked too.
     */
    static String uri(String uri) {
        if (uri == null) {
            return null;
        }
        if (uri.startsWith("jdbc:")) {
            return JdbcUrls.redacted(uri);
        }
        int start = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        return start >= 0 && at > start ? uri.substring(0, start + 3) + "****" + uri.substring(at) : uri;
    }
}
