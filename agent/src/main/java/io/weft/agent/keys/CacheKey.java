package io.weft.agent.keys;

import java.util.UUID;

/**
 * A rendered key as the L1 holds it: equal to another exactly when their texts are equal, and hashed as
 * {@link String#hashCode} hashes the text. A key rendered from a literal and a {@link UUID}, {@link Long},
 * {@link Integer}, {@link Short} or {@link Byte} keeps those two instead of the text until the text is
 * asked for, so an L1 hit on {@code "books:{userId}"} builds no string: its hash comes from
 * {@link TextHashes} and equality from the argument's {@code equals}.
 */
public final class CacheKey {

    private final int hash;
    private final String literal;
    private final Object argument;
    private String text;

    private CacheKey(int hash, String literal, Object argument, String text) {
        this.hash = hash;
        this.literal = literal;
        this.argument = argument;
        this.text = text;
    }

    /** The key of a rendered text. */
    public static CacheKey of(String text) {
        return new CacheKey(text.hashCode(), null, null, text);
    }

    /**
     * The key whose text is {@code literal + argument}, without building it, or {@code null} when the
     * argument is of another type than those named above.
     *
     * @param literalHash {@code literal.hashCode()}
     */
    static CacheKey ofArgument(String literal, int literalHash, Object argument) {
        Class<?> type = argument == null ? null : argument.getClass();
        if (type == UUID.class) {
            return new CacheKey(TextHashes.uuid(literalHash, (UUID) argument), literal, argument, null);
        }
        if (type == Long.class || type == Integer.class || type == Short.class || type == Byte.class) {
            return new CacheKey(TextHashes.decimal(literalHash, ((Number) argument).longValue()), literal, argument,
                    null);
        }
        return null;
    }

    /** The key's text, built (once) if it was not. */
    public String text() {
        String rendered = text;
        if (rendered == null) {
            // racy single-check, as String.hash: every thread computes the same immutable text
            rendered = literal.concat(argument.toString());
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
        if (hash != that.hash) {
            return false;
        }
        if (argument != null && that.argument != null && argument.getClass() == that.argument.getClass()) {
            // these types' texts are canonical: equal texts exactly when equal literals and equal values
            return argument.equals(that.argument) && (literal == that.literal || literal.equals(that.literal));
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
