package io.weft.agent.keys;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Date;
import java.util.UUID;

/**
 * The key text of a scalar argument, described without building it: {@link String#hashCode} of its
 * rendering (SPEC §3) and 31 to the power of its length, packed in one {@code long} so that an L1 key can be
 * hashed without allocating. Only values whose rendering is canonical qualify: {@code null}, strings (escaped as
 * rendered), {@link Integer}, {@link Long}, {@link Short}, {@link Byte}, {@link Boolean}, {@link Character},
 * {@link UUID}, enum constants that render their names, {@link LocalDate}s, {@link LocalDateTime}s and {@link Instant}s
 * of four-digit years and {@link LocalTime}s ({@link TimeText}), {@link Double}s and {@link Float}s written in plain
 * digits with up to seven decimals, and {@link BigDecimal}s written in plain digits. For them, two values of one class
 * render the same text exactly when they are equal. Collections and arrays of them are described by {@link Elements}.
 */
final class ScalarText {

    /** What {@link #of} returns for a value whose text must be built (31<sup>n</sup> is odd, never 0). */
    static final long NOT_SCALAR = 0L;

    private static final int[] POWERS = new int[65];
    /** The hash of the two digits of each number 0 to 99, {@code "00"} to {@code "99"}. */
    private static final int[] PAIRS = new int[100];

    static {
        int power = 1;
        for (int n = 0; n < POWERS.length; n++) {
            POWERS[n] = power;
            power *= 31;
        }
        for (int pair = 0; pair < PAIRS.length; pair++) {
            PAIRS[pair] = ('0' + pair / 10) * 31 + '0' + pair % 10;
        }
    }

    private static final long NULL_TEXT = pack(power(4), "null".hashCode());
    private static final long TRUE_TEXT = pack(power(4), "true".hashCode());
    private static final long FALSE_TEXT = pack(power(5), "false".hashCode());
    private static final long ESCAPED_NULL_TEXT = pack(power(5), "\\null".hashCode());
    private static final int UUID_POWER = power(36);
    /** 10<sup>n</sup> for the decimals of a double's text ({@link #fraction}), as a double and as an int. */
    private static final double[] TENS = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7};
    private static final int[] INT_TENS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000};
    /** 10<sup>0</sup> to 10<sup>18</sup>: the unscaled values and scales of the {@link BigDecimal}s described. */
    private static final long[] LONG_TENS = new long[19];

    static {
        LONG_TENS[0] = 1;
        for (int i = 1; i < LONG_TENS.length; i++) {
            LONG_TENS[i] = LONG_TENS[i - 1] * 10;
        }
    }

    private ScalarText() {
    }

    /** 31<sup>n</sup>, overflowing as {@link String#hashCode} does. */
    static int power(int n) {
        if (n < POWERS.length) {
            return POWERS[n];
        }
        int result = POWERS[POWERS.length - 1];
        for (int i = POWERS.length - 1; i < n; i++) {
            result *= 31;
        }
        return result;
    }

    /**
     * {@code (31^length << 32) | hash} of the value's key text, or {@link #NOT_SCALAR} when the value is
     * neither a canonical scalar nor a collection or array of them ({@link Elements}): its text must be rendered.
     */
    static long of(Object value) {
        long text = scalar(value);
        if (text != NOT_SCALAR) {
            return text;
        }
        // a Date is mutable: described as a key's own value, which a stable key copies, never as an element
        return TimeText.describedDate(value) ? TimeText.date((Date) value) : Elements.text(value);
    }

    /** {@link #of} for a canonical scalar; {@link #NOT_SCALAR} for anything else. */
    static long scalar(Object value) {
        if (value instanceof String) {
            return string((String) value);
        }
        if (value instanceof Long) {
            return decimal(((Long) value).longValue());
        }
        if (value instanceof Integer) {
            return decimal(((Integer) value).intValue());
        }
        if (value instanceof UUID) {
            return uuid((UUID) value);
        }
        if (value == null) {
            return NULL_TEXT;
        }
        if (value instanceof Short) {
            return decimal(((Short) value).shortValue());
        }
        if (value instanceof Byte) {
            return decimal(((Byte) value).byteValue());
        }
        if (value instanceof Boolean) {
            return bool((Boolean) value);
        }
        if (value instanceof Enum) {
            return constant((Enum<?>) value);
        }
        if (value instanceof Character) {
            return character((Character) value);
        }
        if (value instanceof LocalDate) {
            return TimeText.date((LocalDate) value);
        }
        if (value instanceof Double) {
            return fraction((Double) value);
        }
        if (value instanceof Float) {
            return fractionOfFloat((Float) value);
        }
        if (value.getClass() == BigDecimal.class) {
            return bigDecimal((BigDecimal) value);
        }
        if (value instanceof Instant) {
            return TimeText.instant((Instant) value);
        }
        if (value instanceof LocalDateTime) {
            return TimeText.dateTime((LocalDateTime) value);
        }
        if (value instanceof LocalTime) {
            return TimeText.time((LocalTime) value);
        }
        return NOT_SCALAR;
    }

    /**
     * An enum constant renders its name, escaped as a string is (a Java identifier has nothing to escape, but the
     * JVM's names may hold {@code , : \} or be {@code null}: Kotlin's or Scala's backquoted names), unless its class's
     * {@code toString} renders something else, whose text is then built.
     */
    static long constant(Enum<?> constant) {
        String name = constant.name();
        return constant.toString() == name ? string(name) : NOT_SCALAR;
    }

    /**
     * A double renders as {@link Double#toString} does. Its text is described here when it is written in plain digits
     * (zero, or between 10<sup>-3</sup> and 10<sup>7</sup>) and is the double nearest a decimal of at most seven
     * decimals: it is then that decimal with the fewest decimals (at least one), on every JDK (JDK 19 changed the
     * digits {@code Double.toString} chooses, but not for these). Any other double's text is built.
     */
    static long fraction(double d) {
        double a = Math.abs(d);
        if (!(a < 1e7) || a < 1e-3 && a != 0) {
            return NOT_SCALAR;
        }
        for (int decimals = 0; decimals < TENS.length; decimals++) {
            long digits = Math.round(a * TENS[decimals]);
            if (digits / TENS[decimals] == a) {
                return plain(Double.doubleToRawLongBits(d) < 0, digits, decimals);
            }
        }
        return NOT_SCALAR;
    }

    /**
     * A float renders as {@link Float#toString} does, the fewest decimals (at least one) that read back as the float.
     * Described as a double is ({@link #fraction}), the decimal read back in float precision: a decimal of at most seven
     * decimals below 10<sup>7</sup> is never close enough to a float's rounding boundary for its double to round to
     * another float than the decimal itself would. A float halfway between two such decimals, both of which read back
     * (only a float is that coarse), has its text built.
     */
    static long fractionOfFloat(float f) {
        float a = Math.abs(f);
        if (!(a < 1e7f) || a < 1e-3f && a != 0) {
            return NOT_SCALAR;
        }
        for (int decimals = 0; decimals < TENS.length; decimals++) {
            double scaled = a * TENS[decimals]; // exact: 24 bits times at most 24
            long digits = Math.round(scaled);
            if ((float) (digits / TENS[decimals]) == a) {
                // halfway between two decimals that both read back (3827368.25): which one the JDK writes is its choice
                return digits - scaled == 0.5 ? NOT_SCALAR : plain(Float.floatToRawIntBits(f) < 0, digits, decimals);
            }
        }
        return NOT_SCALAR;
    }

    /**
     * A {@link BigDecimal} renders as its {@code toString} does. Its text is described when that is plain digits: a
     * scale of 0 to 18, at most 18 digits, and not so small that {@code toString} writes an exponent (amounts, rates).
     * Its scale is part of it ({@code 12.50} is not {@code 12.5}), as it is of {@code equals}. Not for a subclass,
     * whose {@code toString} may differ.
     */
    static long bigDecimal(BigDecimal d) {
        int scale = d.scale();
        int precision = d.precision();
        if (scale < 0 || scale >= LONG_TENS.length || precision >= LONG_TENS.length || precision - 1 - scale < -6) {
            return NOT_SCALAR;
        }
        long unscaled = d.unscaledValue().longValue();
        long magnitude = Math.abs(unscaled);
        long unit = LONG_TENS[scale];
        long text = decimal(magnitude / unit);
        if (unscaled < 0) {
            text = pack(31 * powerOfLength(text), '-' * powerOfLength(text) + hash(text));
        }
        if (scale == 0) {
            return text;
        }
        int hash = hash(text) * 31 + '.';
        long fraction = magnitude % unit;
        for (long place = unit / 10; place > 0; place /= 10) {
            hash = hash * 31 + '0' + (int) (fraction / place % 10);
        }
        return pack(powerOfLength(text) * power(1 + scale), hash);
    }

    /** The text {@code [-]whole.fraction} of {@code digits}, {@code decimals} of them after the point ("0" if none). */
    private static long plain(boolean negative, long digits, int decimals) {
        int whole = (int) (digits / INT_TENS[decimals]);
        int wholeDigits = 1;
        while (wholeDigits < INT_TENS.length && whole >= INT_TENS[wholeDigits]) {
            wholeDigits++;
        }
        int hash = digits(negative ? '-' : 0, whole, INT_TENS[wholeDigits - 1]) * 31 + '.';
        hash = decimals == 0 ? hash * 31 + '0'
                : digits(hash, (int) (digits % INT_TENS[decimals]), INT_TENS[decimals - 1]);
        return pack(power((negative ? 1 : 0) + wholeDigits + 1 + Math.max(decimals, 1)), hash);
    }

    /** {@code hash} followed by the decimal digits of {@code value} from the place {@code first} on, zero-padded. */
    private static int digits(int hash, int value, int first) {
        for (int unit = first; unit > 0; unit /= 10) {
            hash = hash * 31 + '0' + value / unit % 10;
        }
        return hash;
    }

    /** The text of a boolean: {@code true} or {@code false}. */
    static long bool(boolean b) {
        return b ? TRUE_TEXT : FALSE_TEXT;
    }

    /** The text of a UUID: 36 characters, hashed from its bytes. */
    static long uuid(UUID uuid) {
        return pack(UUID_POWER, UuidTextHash.of(uuid));
    }

    /** A character renders as itself unless it is {@code : , \}. */
    static long character(char c) {
        return c == ':' || c == ',' || c == '\\' ? NOT_SCALAR : pack(31, c);
    }

    /**
     * A string renders unchanged unless it holds {@code : , \}, each then escaped with {@code \} ({@link #escaped}),
     * or is {@code "null"}, which renders {@code \null} ({@link Values#escape}).
     */
    static long string(String s) {
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c == ':' || c == ',' || c == '\\') {
                return escaped(s, i);
            }
        }
        if (length == 4 && s.equals("null")) {
            return ESCAPED_NULL_TEXT;
        }
        return pack(power(length), s.hashCode());
    }

    /** The text of {@code s}, its first character to escape at {@code first}: each {@code : , \} after a {@code \}. */
    private static long escaped(String s, int first) {
        int hash = 0;
        for (int i = 0; i < first; i++) {
            hash = hash * 31 + s.charAt(i);
        }
        int length = s.length();
        int escapes = 0;
        for (int i = first; i < length; i++) {
            char c = s.charAt(i);
            if (c == ':' || c == ',' || c == '\\') {
                hash = hash * 31 + '\\';
                escapes++;
            }
            hash = hash * 31 + c;
        }
        return pack(power(length + escapes), hash);
    }

    /**
     * The hash of {@code Long.toString(v)}, with 31 to the power of its length: two digits at a time from the last
     * ({@link #PAIRS}), in {@code int} arithmetic once what is left fits, as {@code Long.toString} writes them.
     */
    static long decimal(long v) {
        if (v == Long.MIN_VALUE) {
            return NOT_SCALAR;
        }
        long rest = Math.abs(v);
        int hash = 0;
        int power = 1;
        while (rest > Integer.MAX_VALUE) {
            long next = rest / 100;
            hash += PAIRS[(int) (rest - next * 100)] * power;
            power *= 31 * 31;
            rest = next;
        }
        int left = (int) rest;
        while (left >= 100) {
            int next = left / 100;
            hash += PAIRS[left - next * 100] * power;
            power *= 31 * 31;
            left = next;
        }
        if (left >= 10) {
            hash += PAIRS[left] * power;
            power *= 31 * 31;
        } else {
            hash += ('0' + left) * power;
            power *= 31;
        }
        if (v < 0) {
            hash += '-' * power;
            power *= 31;
        }
        return pack(power, hash);
    }

    static long pack(int power, int hash) {
        return ((long) power << 32) | (hash & 0xffffffffL);
    }

    /** The hash of a packed text. */
    static int hash(long text) {
        return (int) text;
    }

    /** 31 to the power of a packed text's length. */
    static int powerOfLength(long text) {
        return (int) (text >>> 32);
    }
}
