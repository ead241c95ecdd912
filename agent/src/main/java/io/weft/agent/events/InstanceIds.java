package io.weft.agent.events;

import java.util.UUID;

/**
 * Weft's instance ids, the {@code source} of every event Weft writes (SPEC §6): {@code weft:<host>-<pid>-<random>},
 * the random part 8 lower-case hex digits. The form is how a reader tells Weft's events, from any instance of the
 * fleet, from those of other services, which may write any source or none: only Weft's own writers deleted the keys
 * in Redis before publishing. The wire format is unchanged (no field is added); SPEC §6 leaves the id's form open.
 */
public final class InstanceIds {

    /** What every Weft instance id starts with. */
    private static final String PREFIX = "weft:";
    private static final int RANDOM_DIGITS = 8;

    private InstanceIds() {
    }

    /** A new id for this JVM: unique per JVM, readable in the events, found without a DNS lookup. */
    public static String create() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            host = "jvm";
        }
        return PREFIX + host + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, RANDOM_DIGITS);
    }

    /** Whether {@code source} has the form of {@link #create}: an event written by a Weft instance. */
    public static boolean isWeft(String source) {
        if (source == null || !source.startsWith(PREFIX)) {
            return false;
        }
        int random = source.lastIndexOf('-');
        int pid = random < 0 ? -1 : source.lastIndexOf('-', random - 1);
        return pid > PREFIX.length() && source.length() - random - 1 == RANDOM_DIGITS
                && all(source, pid + 1, random, "0123456789")
                && all(source, random + 1, source.length(), "0123456789abcdef");
    }

    /** Whether {@code text} has at least one character from {@code from} to {@code to}, each one of {@code allowed}. */
    private static boolean all(String text, int from, int to, String allowed) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (allowed.indexOf(text.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
