package io.weft.agent.store.pg;

import java.sql.SQLException;
import java.util.regex.Pattern;

/** Keeps the password of a JDBC URL out of logs and operations views. */
public final class JdbcUrls {

    /** Any parameter whose name holds {@code password}, in any case: {@code password}, {@code sslpassword} … */
    private static final Pattern PASSWORD = Pattern.compile("(?i)([?&;][^=&;?]*password=)[^&;]*");

    private JdbcUrls() {
    }

    /**
     * {@code url} with the value of every password-like parameter ({@code password}, {@code sslpassword} …, in any
     * case) and any {@code user:pass@} before the host (up to its last {@code @}) masked.
     */
    public static String redacted(String url) {
        String masked = PASSWORD.matcher(url).replaceAll("$1****");
        int start = masked.indexOf("://");
        if (start < 0) {
            return masked;
        }
        int path = masked.indexOf('/', start + 3);
        int query = masked.indexOf('?', start + 3);
        int end = path < 0 ? query : query < 0 ? path : Math.min(path, query);
        int at = masked.lastIndexOf('@', end < 0 ? masked.length() : end - 1);
        return at > start ? masked.substring(0, start + 3) + "****" + masked.substring(at) : masked;
    }

    /**
     * {@code failure}, or when its message quotes {@code url} (pgjdbc's {@code Unable to parse URL <url>}) a copy
     * that quotes it {@link #redacted}, with the same SQL state, error code and stack trace and without the cause.
     */
    public static SQLException withoutPassword(SQLException failure, String url) {
        String message = failure.getMessage();
        if (message == null || !message.contains(url)) {
            return failure;
        }
        SQLException redacted = new SQLException(message.replace(url, redacted(url)), failure.getSQLState(),
                failure.getErrorCode());
        redacted.setStackTrace(failure.getStackTrace());
        return redacted;
    }
}
