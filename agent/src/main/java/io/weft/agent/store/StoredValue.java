package io.weft.agent.store;

/**
 * What {@link SharedStore#lookup} found: a value and how long it has left, or a miss that did or did not
 * take the lease to store the key; or a stale value (past its TTL, kept for {@code staleIfError}) with the
 * lease taken or not, like a miss.
 */
public final class StoredValue {

    private final byte[] value;
    private final long remainingMillis;
    private final boolean leased;
    private final boolean stale;

    /** A value found (or null on a miss), its remaining life in ms, whether the lookup took the lease, whether it is stale. */
    public StoredValue(byte[] value, long remainingMillis, boolean leased, boolean stale) {
        this.value = value;
        this.remainingMillis = remainingMillis;
        this.leased = leased;
        this.stale = stale;
    }

    /** The stored bytes, or null on a miss. */
    public byte[] value() {
        return value;
    }

    /** The value's remaining time to live in ms ({@code PTTL}; -1 when it has none); 0 on a miss. */
    public long remainingMillis() {
        return remainingMillis;
    }

    /** On a miss or a stale value: whether this lookup took the lease, so that its loaded value may be stored. */
    public boolean leased() {
        return leased;
    }

    /** Whether the value is past its TTL, kept only to stand in for a failure ({@code staleIfError}). */
    public boolean stale() {
        return stale;
    }
}
