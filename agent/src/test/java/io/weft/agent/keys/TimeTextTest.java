package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Dates and times are described as their {@code toString()} writes them, colons escaped ({@link TimeText}): every
 * described text is the text a key renders, and what is not described (a year beyond four digits) is rendered.
 */
class TimeTextTest {

    private static final KeyScope S = new KeyScope("test");
    private static final long FIRST = LocalDate.of(900, 1, 1).toEpochDay() * 86_400;
    private static final long LAST = LocalDate.of(10_100, 1, 1).toEpochDay() * 86_400;

    /** An instant of years 900 to 10,100, its nanoseconds zero, whole milli- or microseconds, or any, seconds often 0. */
    static Instant instant(SplittableRandom random) {
        long seconds = random.nextLong(FIRST, LAST);
        if (random.nextInt(4) == 0) {
            seconds -= Math.floorMod(seconds, 60);
        }
        int nanos;
        switch (random.nextInt(4)) {
            case 0:
                nanos = 0;
                break;
            case 1:
                nanos = random.nextInt(1000) * 1_000_000;
                break;
            case 2:
                nanos = random.nextInt(1_000_000) * 1000;
                break;
            default:
                nanos = random.nextInt(1_000_000_000);
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static KeyRenderer renderer(Class<?> type) {
        return TemplateBinder.bind(Template.parse("at:{0}"), FakeSignature.unnamed(List.class, type), false);
    }

    @Test
    void describedDatesAndTimesAreTheKeysOfTheirTexts() {
        SplittableRandom random = new SplittableRandom(17);
        KeyRenderer byInstant = renderer(Instant.class);
        KeyRenderer byDateTime = renderer(LocalDateTime.class);
        KeyRenderer byTime = renderer(LocalTime.class);
        KeyRenderer byAny = renderer(Object.class);
        int described = 0;
        for (int i = 0; i < 100_000; i++) {
            Instant instant = instant(random);
            LocalDateTime dateTime = LocalDateTime.ofInstant(instant(random), ZoneOffset.UTC);
            LocalTime time = LocalTime.ofNanoOfDay(Math.floorMod(instant(random).getEpochSecond(), 86_400) * 1_000_000_000L
                    + instant.getNano());
            for (Object[] pair : new Object[][] {{byInstant, instant}, {byDateTime, dateTime}, {byTime, time},
                    {byAny, instant}, {byAny, dateTime}, {byAny, time}}) {
                KeyRenderer renderer = (KeyRenderer) pair[0];
                Object[] args = {pair[1]};
                String text = "at:" + pair[1].toString().replace(":", "\\:");
                assertEquals(text, renderer.render(args, null));
                CacheKey key = renderer.key(S, args);
                assertEquals(text.hashCode(), key.hashCode(), text);
                assertEquals(CacheKey.of(S, text), key, text);
                assertEquals(key.stable(), CacheKey.of(S, text), text);
                assertEquals(text, key.text());
            }
            described += ScalarText.of(instant) != ScalarText.NOT_SCALAR ? 1 : 0;
            int year = LocalDateTime.ofInstant(instant, ZoneOffset.UTC).getYear();
            assertEquals(year >= 1000 && year <= 9999, ScalarText.of(instant) != ScalarText.NOT_SCALAR, instant.toString());
        }
        assertNotEquals(0, described);
        assertEquals(ScalarText.NOT_SCALAR, TimeText.dateTime(LocalDateTime.of(10_000, 1, 1, 0, 0)));
        assertEquals(ScalarText.NOT_SCALAR, TimeText.instant(Instant.parse("0999-12-31T23:59:59Z")));
        assertNotEquals(ScalarText.NOT_SCALAR, TimeText.instant(Instant.parse("1000-01-01T00:00:00Z")));
        assertNotEquals(ScalarText.NOT_SCALAR, TimeText.instant(Instant.parse("9999-12-31T23:59:59.999999999Z")));
    }

    /** Equal texts, one key; a second, a nanosecond or a zone apart, another. */
    @Test
    void timesOfDifferentTextsAreDifferentKeys() {
        KeyRenderer byAny = renderer(Object.class);
        Instant at = Instant.parse("2026-12-07T01:02:03Z");
        assertEquals(byAny.key(S, new Object[] {at}).stable(), byAny.key(S, new Object[] {"2026-12-07T01:02:03Z"}));
        assertNotEquals(byAny.key(S, new Object[] {at}).stable(), byAny.key(S, new Object[] {at.plusNanos(1)}));
        assertNotEquals(byAny.key(S, new Object[] {at}).stable(), byAny.key(S, new Object[] {at.plusSeconds(1)}));
        LocalDateTime local = LocalDateTime.of(2026, 12, 7, 1, 2);
        assertEquals("at:2026-12-07T01\\:02", byAny.key(S, new Object[] {local}).text());
        assertNotEquals(byAny.key(S, new Object[] {local}).stable(), byAny.key(S, new Object[] {local.plusSeconds(1)}));
        assertEquals(byAny.key(S, new Object[] {LocalTime.of(9, 30)}).stable(),
                byAny.key(S, new Object[] {"09:30"}), "a string renders its colons escaped too");
    }
}
