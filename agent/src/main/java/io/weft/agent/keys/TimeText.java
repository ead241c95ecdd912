package io.weft.agent.keys;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * The key texts of dates and times ({@link ScalarText}), described from their fields as their {@code toString()}
 * writes them, each {@code :} escaped as a key renders it ({@code \:}): a {@link LocalDate} {@code yyyy-MM-dd}, a
 * {@link LocalTime} {@code HH:mm[:ss[.fff|.ffffff|.fffffffff]]}, a {@link LocalDateTime} the two joined by {@code T},
 * and an {@link Instant} in UTC, {@code yyyy-MM-ddTHH:mm:ss[.fff|.ffffff|.fffffffff]Z}. Only years of four digits
 * (1000 to 9999) are described; the texts of others (a sign, more digits) are built.
 *
 * <p>A text is accumulated in one {@code long}: its length in the high half, its {@link String#hashCode} in the low.
 */
final class TimeText {

    private static final long FIRST_DAY = LocalDate.of(1000, 1, 1).toEpochDay();
    private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();
    private static final int SECONDS_PER_DAY = 86_400;

    private TimeText() {
    }

    static long date(LocalDate date) {
        int year = date.getYear();
        return year < 1000 || year > 9999 ? ScalarText.NOT_SCALAR
                : packed(date(0, year, date.getMonthValue(), date.getDayOfMonth()));
    }

    static long time(LocalTime time) {
        return packed(time(0, time.getHour(), time.getMinute(), time.getSecond(), time.getNano(), false));
    }

    static long dateTime(LocalDateTime dateTime) {
        int year = dateTime.getYear();
        if (year < 1000 || year > 9999) {
            return ScalarText.NOT_SCALAR;
        }
        long text = date(0, year, dateTime.getMonthValue(), dateTime.getDayOfMonth());
        return packed(time(then(text, 'T'), dateTime.getHour(), dateTime.getMinute(), dateTime.getSecond(),
                dateTime.getNano(), false));
    }

    static long instant(Instant instant) {
        return instant(instant.getEpochSecond(), instant.getNano());
    }

    /**
     * Whether {@code value} is a {@link java.util.Date} described here ({@link #date}): of that class, or a {@code
     * java.sql.Date} or {@code java.sql.Time}, which render, compare and copy ({@code clone()}) as it does. Not a {@code
     * Timestamp} (its nanoseconds) nor an application's subclass.
     */
    static boolean describedDate(Object value) {
        if (!(value instanceof java.util.Date)) {
            return false;
        }
        Class<?> type = value.getClass();
        return type == java.util.Date.class || type.getName().equals("java.sql.Date")
                || type.getName().equals("java.sql.Time");
    }

    /**
     * A {@link java.util.Date}, which a key renders as the instant it holds ({@code Values}): its milliseconds'
     * {@link Instant}'s text.
     */
    static long date(java.util.Date date) {
        long millis = date.getTime();
        return instant(Math.floorDiv(millis, 1000), (int) Math.floorMod(millis, 1000) * 1_000_000);
    }

    private static long instant(long seconds, int nano) {
        long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
        if (day < FIRST_DAY || day > LAST_DAY) {
            return ScalarText.NOT_SCALAR;
        }
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        // the civil date of an epoch day (H. Hinnant's days_from_civil, inverted), without a LocalDate
        long shifted = day + 719_468;
        long era = Math.floorDiv(shifted, 146_097);
        int dayOfEra = (int) (shifted - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int shiftedMonth = (5 * dayOfYear + 2) / 153;
        int dayOfMonth = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
        int month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);
        long text = then(date(0, year, month, dayOfMonth), 'T');
        text = time(text, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, nano, true);
        return packed(then(text, 'Z'));
    }

    private static long date(long text, int year, int month, int day) {
        text = digits(text, year, 4);
        text = digits(then(text, '-'), month, 2);
        return digits(then(text, '-'), day, 2);
    }

    /** {@code HH:mm}, then {@code :ss} (always, or unless it and the fraction are zero), then the fraction if any. */
    private static long time(long text, int hour, int minute, int second, int nano, boolean alwaysSeconds) {
        text = digits(colon(digits(text, hour, 2)), minute, 2);
        if (!alwaysSeconds && second == 0 && nano == 0) {
            return text;
        }
        text = digits(colon(text), second, 2);
        if (nano == 0) {
            return text;
        }
        text = then(text, '.');
        if (nano % 1_000_000 == 0) {
            return digits(text, nano / 1_000_000, 3);
        }
        return nano % 1000 == 0 ? digits(text, nano / 1000, 6) : digits(text, nano, 9);
    }

    /** An escaped {@code :}. */
    private static long colon(long text) {
        return then(then(text, '\\'), ':');
    }

    /** The text followed by the last {@code count} decimal digits of {@code value}, zero-padded. */
    private static long digits(long text, int value, int count) {
        int unit = 1;
        for (int i = 1; i < count; i++) {
            unit *= 10;
        }
        for (; unit > 0; unit /= 10) {
            text = then(text, (char) ('0' + value / unit % 10));
        }
        return text;
    }

    private static long then(long text, char c) {
        int length = (int) (text >>> 32) + 1;
        int hash = (int) text * 31 + c;
        return ((long) length << 32) | (hash & 0xffffffffL);
    }

    /** The text as {@link ScalarText} packs it: 31 to the power of its length, and its hash. */
    private static long packed(long text) {
        return ScalarText.pack(ScalarText.power((int) (text >>> 32)), (int) text);
    }
}
