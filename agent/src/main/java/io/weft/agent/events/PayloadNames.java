package io.weft.agent.events;

/** How the arguments of an invalidation are named in its event's payload ({@code weft.events.payloadNames}). */
public final class PayloadNames {

    private PayloadNames() {
    }

    /**
     * {@code bookId} → {@code book_id}, {@code userID} → {@code user_id}, {@code HTTPServer} →
     * {@code http_server}, {@code arg0} → {@code arg0}: an underscore where a word starts, then lower case.
     */
    public static String snakeCase(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char before = name.charAt(i - 1);
                boolean wordEnds = Character.isLowerCase(before) || Character.isDigit(before);
                boolean acronymEnds = Character.isUpperCase(before) && i + 1 < name.length()
                        && Character.isLowerCase(name.charAt(i + 1));
                if ((wordEnds || acronymEnds) && before != '_') {
                    sb.append('_');
                }
            }
            sb.append(Character.toLowerCase(c));
        }
        return sb.toString();
    }
}
