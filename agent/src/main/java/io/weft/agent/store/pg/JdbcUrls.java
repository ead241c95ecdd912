package io.weft.agent.store.pg;

import java.util.regex.Pattern;

/** Keeps the password of a JDBC URL out of logs and operations views. */
public final class JdbcUrls {

    private static final Pattern PASSWORD = Pattern.compile("(?i)([?&;]password=)[^&;]*");

    private JdbcUrls() {
    }

    /** {@code url} with the value of its {@code password} parameter (and any {@code user:pass@}) masked. */
    public static String redacted(String url) {
        String masked = PASSWORD.matcher(url).replaceAll("$1****");
        int start = masked.indexOf("://");
        int at = masked.indexOf('@', Math.max(start, 0));
        int path = masked.indexOf('/', start + 3);
        return start >= 0 && at > start && (path < 0 || at < path)
                ? masked.substring(0, start + 3) + "****" + masked.substring(at) : masked;
    }
}
