package io.weft.agent.store;

/**
 * What {@link RedisStore#lookup} found: a value and how long it has left, or a miss that did or did not
 * take the lease to store the key.
 */
public final class StoredValue {

    private final byte[] value;
    private final long remainingMillis;
    private final boolean leased;

    StoredValue(byte[] value, long remainingMillis, boolean leased) {
        this.value = value;
        this.remainingMillis = remainingMillis;
        this.leased = leased;
    }

    /** The stored bytes, or null on a miss. */
    public byte[] value() {
        return value;
    }

    /** The value's remaining time to live in ms ({@code PTTL}; -1 when it has none); 0 on a miss. */
    public long remainingMillis() {
        return remainingMillis;
    }

    /** On a miss: whether this lookup took the lease, so that its loaded value may be stored. */
    public boolean leased() {
        return leased;
    }
}
