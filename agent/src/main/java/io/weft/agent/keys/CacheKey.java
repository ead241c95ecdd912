package io.weft.agent.keys;

import java.util.UUID;

/**
 * A rendered key as the L1 holds it: equal to another exactly when their {@link KeyScope}s are the same and
 * their texts are equal, and hashed as {@link String#hashCode} hashes the text. A key rendered from a literal and a {@link UUID} keeps those
 * two instead of the text until the text is asked for, so an L1 hit on {@code "books:{userId}"} builds no
 * string: its hash comes from {@link UuidTextHash} and equality from {@link UUID#equals}.
 */
public final class CacheKey {

    private final KeyScope scope;
    private final int hash;
    private final String literal;
    private final UUID uuid;
    private String text;

    private CacheKey(KeyScope scope, int hash, String literal, UUID uuid, String text) {
        this.scope = scope;
        this.hash = hash;
        this.literal = literal;
        this.uuid = uuid;
        this.text = text;
    }

    /** The key of a rendered text in {@code scope}. */
    public static CacheKey of(KeyScope scope, String text) {
        return new CacheKey(scope, text.hashCode(), null, null, text);
    }

    /**
     * The key whose text is {@code literal + uuid}, without building it.
     *
     * @param literalTerm {@code literal.hashCode()} times 31<sup>36</sup>, from {@link UuidTextHash#literalTerm}
     */
    static CacheKey ofUuid(KeyScope scope, String literal, int literalTerm, UUID uuid) {
        return new CacheKey(scope, literalTerm + UuidTextHash.of(uuid), literal, uuid, null);
    }

    /** The scope of the class loader whose method made this key. */
    public KeyScope scope() {
        return scope;
    }

    /** The key's text, built (once) if it was not. */
    public String text() {
        String rendered = text;
        if (rendered == null) {
            // racy single-check, as String.hash: every thread computes the same immutable text
            rendered = literal.concat(uuid.toString());
            text = rendered;
        }
        return rendered;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof CacheKey)) {
            return false;
        }
        CacheKey that = (CacheKey) other;
        if (hash != that.hash || scope != that.scope) {
            return false;
        }
        if (uuid != null && that.uuid != null) {
            // a UUID's text is canonical: equal texts exactly when equal literals and equal UUIDs
            return uuid.equals(that.uuid) && (literal == that.literal || literal.equals(that.literal));
        }
        return text().equals(that.text());
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return text();
    }
}
