package io.weft.agent.store.pg;

/**
 * The keys that start with a prefix as a range of the primary key's index ({@code key >= prefix AND key <
 * successor}): in the {@code "C"} collation text is ordered by code point (as UTF-8 bytes are), so the keys
 * with the prefix are exactly those from the prefix up to, excluding, the prefix with its last code point
 * incremented.
 */
final class PrefixRange {

    private PrefixRange() {
    }

    /**
     * The least string greater than every string starting with {@code prefix}, or {@code null} when there is
     * none (the prefix is made of U+10FFFF only): the range is then open at the top.
     */
    static String successor(String prefix) {
        int end = prefix.length();
        while (end > 0) {
            int last = prefix.codePointBefore(end);
            int start = end - Character.charCount(last);
            if (last < Character.MAX_CODE_POINT) {
                int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
                return prefix.substring(0, start) + new String(Character.toChars(next));
            }
            end = start;
        }
        return null;
    }
}
