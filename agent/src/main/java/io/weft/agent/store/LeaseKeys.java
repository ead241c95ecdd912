package io.weft.agent.store;

import io.lettuce.core.cluster.SlotHash;

/**
 * Names the lease key of a value key ({@link RedisStore#lookup}): {@code <key>:weft-lease}, which a
 * prefix invalidation of the key also deletes. On a Redis Cluster the scripts touch both keys, so the
 * lease must hash to the key's slot while the key keeps its readable form:
 * <ul>
 * <li>a key with a hash tag (a {@code {}, then a later {@code }} with something between) already puts
 *     {@code <key>:weft-lease} in its slot;
 * <li>a key without a {@code {} gets a tag that hashes to its slot appended,
 *     {@code <key>:weft-lease{<tag>}}, the lease's only tag;
 * <li>a key with a {@code {} but no valid tag ({@code a{}b}, {@code a}b{c}) gets the tag in front,
 *     {@code {<tag>}<key>:weft-lease}, so that it is the lease's first tag (such a lease is not matched by
 *     a prefix of the key, so a prefix invalidation also looks for {@link #taggedInFront}).
 * </ul>
 * The tags, one to three letters or digits per slot, are found once, at the first cluster lease.
 */
public final class LeaseKeys {

    /** What every lease key contains after its value key, whatever its form. */
    public static final String SUFFIX = ":weft-lease";
    private static final LeaseKeys STANDALONE = new LeaseKeys(false);
    private static final LeaseKeys CLUSTER = new LeaseKeys(true);

    private final boolean cluster;

    private LeaseKeys(boolean cluster) {
        this.cluster = cluster;
    }

    /** Lease keys for a Redis Cluster ({@code true}) or a single server. */
    public static LeaseKeys of(boolean cluster) {
        return cluster ? CLUSTER : STANDALONE;
    }

    /** The lease key of {@code key}. */
    public String leaseKey(String key) {
        if (!cluster || hasHashTag(key)) {
            return key + SUFFIX;
        }
        String tag = "{" + Tags.BY_SLOT[SlotHash.getSlot(key)] + "}";
        return key.indexOf('{') < 0 ? key + SUFFIX + tag : tag + key + SUFFIX;
    }

    /**
     * The {@code SCAN} pattern of the leases that begin with a tag in front of their key, for keys that start with
     * {@code keyPattern} (a glob); null on a single server, where every lease starts with its key.
     */
    public String taggedInFront(String keyPattern) {
        return cluster ? "{*}" + keyPattern + "*" + SUFFIX : null;
    }

    /** Whether Redis hashes only part of {@code key}: a {@code {}, and a later {@code }} not right after it. */
    static boolean hasHashTag(String key) {
        int open = key.indexOf('{');
        return open >= 0 && key.indexOf('}', open + 1) > open + 1;
    }

    /** One shortest tag per slot, of the letters and digits, built on first use. */
    static final class Tags {

        private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        static final String[] BY_SLOT = build();

        private Tags() {
        }

        private static String[] build() {
            String[] tags = new String[SlotHash.SLOT_COUNT];
            int missing = tags.length;
            int n = ALPHABET.length();
            for (int length = 1; length <= 3 && missing > 0; length++) {
                int combinations = (int) Math.pow(n, length);
                char[] tag = new char[length];
                for (int i = 0; i < combinations && missing > 0; i++) {
                    for (int p = 0, rest = i; p < length; p++, rest /= n) {
                        tag[p] = ALPHABET.charAt(rest % n);
                    }
                    String candidate = new String(tag);
                    int slot = SlotHash.getSlot(candidate);
                    if (tags[slot] == null) {
                        tags[slot] = candidate;
                        missing--;
                    }
                }
            }
            if (missing > 0) {
                throw new IllegalStateException(missing + " hash slots have no tag of up to 3 letters or digits");
            }
            return tags;
        }
    }
}
