package io.weft.agent.keys;

import java.util.UUID;

/**
 * {@link String#hashCode} of {@code UUID.toString()}, computed from the UUID's 16 bytes with one table
 * lookup each instead of building and hashing the 36 characters.
 */
final class UuidTextHash {

    private static final int LENGTH = 36;
    private static final int[] DASH_POSITIONS = {8, 13, 18, 23};
    /** {@code TERMS[j * 256 + b]}: the hash's term for byte {@code j} of the UUID having value {@code b}. */
    private static final int[] TERMS = new int[16 * 256];
    private static final int DASHES;

    static {
        int position = 0;
        for (int j = 0; j < 16; j++) {
            if (j == 4 || j == 6 || j == 8 || j == 10) {
                position++;
            }
            for (int b = 0; b < 256; b++) {
                TERMS[j * 256 + b] = Character.forDigit(b >>> 4, 16) * power(LENGTH - 1 - position)
                        + Character.forDigit(b & 15, 16) * power(LENGTH - 2 - position);
            }
            position += 2;
        }
        int dashes = 0;
        for (int dash : DASH_POSITIONS) {
            dashes += '-' * power(LENGTH - 1 - dash);
        }
        DASHES = dashes;
    }

    private UuidTextHash() {
    }

    /** {@code uuid.toString().hashCode()}. */
    static int of(UUID uuid) {
        long high = uuid.getMostSignificantBits();
        long low = uuid.getLeastSignificantBits();
        return DASHES + half(high, 0) + half(low, 8 * 256);
    }

    private static int half(long bits, int table) {
        return TERMS[table + (int) (bits >>> 56)]
                + TERMS[table + 256 + ((int) (bits >>> 48) & 0xff)]
                + TERMS[table + 512 + ((int) (bits >>> 40) & 0xff)]
                + TERMS[table + 768 + ((int) (bits >>> 32) & 0xff)]
                + TERMS[table + 1024 + ((int) (bits >>> 24) & 0xff)]
                + TERMS[table + 1280 + ((int) (bits >>> 16) & 0xff)]
                + TERMS[table + 1536 + ((int) (bits >>> 8) & 0xff)]
                + TERMS[table + 1792 + ((int) bits & 0xff)];
    }

    /** 31<sup>n</sup>, overflowing as {@link String#hashCode} does. */
    private static int power(int n) {
        int result = 1;
        for (int i = 0; i < n; i++) {
            result *= 31;
        }
        return result;
    }
}
