package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import org.junit.jupiter.api.Test;

/**
 * A key composed from a template and its values, without its text, is interchangeable with the key of its
 * rendered text: the same hash, equal both ways, found in a map under the other; and keys of different
 * texts or different class loaders differ. Checked over many templates and random values of every kind.
 */
class CacheKeyTest {

    private static final KeyScope S = new KeyScope("test");
    private static final List<String> TEMPLATES = List.of("book:{0}", "{0}", "storybook:books:{0}", "ünïcødé:{0}:tail",
            "books:{0}:{1}", "{0},{1}", "a:{0}:b:{1}:c:{2}:d", "w:{0}:{1}:{2}:{3}", "v:{3},{2}:{1}:{0}:{0}:", "x\\y:{0}",
            "a literal longer than the 64 characters whose powers of 31 are tabulated, to be sure:{0}:{1}");

    /** Enum constants rendering their names, a constant with a body of its own, and one rendering another's name. */
    enum Region {
        EU_WEST, US_EAST {
            @Override
            public String fee() {
                return "high";
            }
        }, AP_SOUTH {
            @Override
            public String toString() {
                return "EU_WEST";
            }
        }, LOWER {
            @Override
            public String toString() {
                return "lower:case";
            }
        };

        public String fee() {
            return "low";
        }
    }

    private static KeyRenderer renderer(String template) {
        return TemplateBinder.bind(Template.parse(template),
                FakeSignature.unnamed(List.class, Object.class, Object.class, Object.class, Object.class), false);
    }

    /** Values of every kind a key meets: canonical scalars (composed keys) and others (text keys). */
    private static List<Object> values(SplittableRandom random) {
        List<Object> values = new ArrayList<>(List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 7, -7, Integer.MIN_VALUE,
                (short) -3, (byte) 9, true, false, "", "null", "Null", "a:b", "a,b", "a\\b", "x", "ünï", "12345678901234",
                new UUID(0, 0), UUID.randomUUID(), 1.5, TimeUnit.SECONDS, List.of(1, 2), 'c', "x".repeat(65),
                "y".repeat(200), Region.EU_WEST, Region.US_EAST, Region.AP_SOUTH, Region.LOWER, "EU_WEST",
                LocalDate.of(1000, 1, 1), LocalDate.of(9999, 12, 31), LocalDate.of(999, 5, 6), LocalDate.of(10_000, 1, 2),
                LocalDate.of(-5, 3, 4), "2026-12-06", LocalDate.of(2026, 12, 6), ':', ',', '\\', '\uD800', "c"));
        values.add(null);
        for (int i = 0; i < 300; i++) {
            values.add(random.nextLong());
            values.add(random.nextInt(100_000));
            values.add(new UUID(random.nextLong(), random.nextLong()));
            char[] chars = new char[random.nextInt(20)];
            for (int c = 0; c < chars.length; c++) {
                chars[c] = (char) (random.nextBoolean() ? 'a' + random.nextInt(26) : random.nextInt(0x3000));
            }
            values.add(new String(chars));
            values.add(LocalDate.ofEpochDay(random.nextLong(-1_000_000, 3_000_000)));
            values.add(random.nextInt(-10_000_000, 10_000_000) / Math.pow(10, random.nextInt(9)));
            values.add(Double.longBitsToDouble(random.nextLong()));
            values.add((float) (random.nextInt(-10_000_000, 10_000_000) / Math.pow(10, random.nextInt(9))));
            values.add(Float.intBitsToFloat(random.nextInt()));
            values.add(BigDecimal.valueOf(random.nextLong() >> random.nextInt(64), random.nextInt(-3, 22)));
            values.add(TimeTextTest.instant(random));
            values.add(LocalDateTime.ofInstant(TimeTextTest.instant(random), ZoneOffset.UTC));
            values.add(LocalTime.ofNanoOfDay(TimeTextTest.instant(random).getNano() * 86_399L));
        }
        values.addAll(List.of(0.0, -0.0, 1e-3, 9.99e-4, 1e7, 9_999_999.9999999, 2e23, Double.NaN, Double.MIN_VALUE,
                Double.NEGATIVE_INFINITY, 0.1 + 0.2, 19.99, -52.520008, 1.0E-5, 0.5f));
        int scalars = values.size();
        for (int i = 0; i < 200; i++) {
            values.add(ElementsKeyTest.sequence(random, values.subList(0, scalars)));
        }
        return values;
    }

    @Test
    void aComposedKeyIsTheKeyOfItsTextBothWaysWithTheSameHash() {
        SplittableRandom random = new SplittableRandom(42);
        List<Object> values = values(random);
        for (String template : TEMPLATES) {
            KeyRenderer renderer = renderer(template);
            for (int i = 0; i < 2_000; i++) {
                Object[] args = {pick(values, random), pick(values, random), pick(values, random), pick(values, random)};
                CacheKey key = renderer.key(S, args).stable();
                String text = renderer.render(args, null);
                CacheKey fromText = CacheKey.of(S, text);
                assertEquals(text.hashCode(), key.hashCode(), template + " " + text);
                assertEquals(fromText, key, text);
                assertEquals(key, fromText, text);
                assertEquals(key, renderer.key(S, args.clone()), "the probe of equal values: " + text);
                assertEquals(renderer.key(S, args.clone()), key, text);
                assertEquals(text, key.text());
            }
        }
    }

    /** A call of up to three arguments passes them one by one (no array on a hit): the same key as from its array. */
    @Test
    void theKeyOfArgumentsPassedOneByOneIsTheKeyOfTheirArray() {
        SplittableRandom random = new SplittableRandom(7);
        List<Object> values = values(random);
        for (String template : TEMPLATES) {
            if (template.contains("{3}")) {
                continue; // a fourth parameter: such a method always passes an array
            }
            KeyRenderer renderer = renderer(template);
            for (int i = 0; i < 2_000; i++) {
                Object[] args = {pick(values, random), pick(values, random), pick(values, random)};
                CacheKey fromArray = renderer.key(S, args).stable();
                CacheKey passed = renderer.key(S, args[0], args[1], args[2], 0, 0, 0);
                assertEquals(fromArray.hashCode(), passed.hashCode(), template);
                assertEquals(fromArray, passed, template);
                assertEquals(passed, fromArray, template);
                assertEquals(renderer.render(args, null), passed.text());
            }
        }
        KeyRenderer constant = renderer("tts:voices");
        assertSame(constant.key(S, new Object[0]), constant.key(S, null, null, null, 0, 0, 0));
    }

    /**
     * {@code long} and {@code int} parameters are passed unboxed (UnboxedArgument): their key is the key of the boxed
     * array, both ways, whatever the values; its stable copy holds boxes and keeps its values when the probe is refilled.
     */
    @Test
    void unboxedLongAndIntArgumentsMakeTheKeyOfTheirBoxes() {
        KeyRenderer renderer = TemplateBinder.bind(Template.parse("orders:{0}:{1}:{2}"),
                FakeSignature.unnamed(List.class, long.class, String.class, int.class), false);
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 5_000; i++) {
            long id = random.nextBoolean() ? random.nextLong() : random.nextInt(-200, 200);
            int page = random.nextBoolean() ? random.nextInt() : random.nextInt(-200, 200);
            String name = random.nextBoolean() ? "n" + random.nextInt(10) : null;
            Object[] args = {id, name, page};
            CacheKey fromArray = renderer.key(S, args).stable();
            CacheKey passed = renderer.key(S, null, name, null, id, 0, page);
            String text = "orders:" + id + ":" + (name == null ? "null" : name) + ":" + page;
            assertEquals(text.hashCode(), passed.hashCode(), text);
            assertEquals(fromArray, passed, text);
            assertEquals(passed, fromArray, text);
            assertEquals(CacheKey.of(S, text), passed, text);
            assertEquals(text, passed.text());
        }
        CacheKey kept = renderer.key(S, null, "a", null, 5L, 0, 6).stable();
        assertEquals(renderer.key(S, new Object[] {5L, "a", 6}).stable(), kept);
        CacheKey probe = renderer.key(S, null, "a", null, 7L, 0, 8);
        assertEquals("orders:5:a:6", kept.text(), "the stable copy keeps its values");
        assertNotEquals(kept, probe);
        assertNotEquals(probe, kept);
        assertEquals(probe, CacheKey.of(S, "orders:7:a:8"));
        KeyRenderer byInt = TemplateBinder.bind(Template.parse("orders:{0}"),
                FakeSignature.unnamed(List.class, int.class), false);
        KeyRenderer byLong = TemplateBinder.bind(Template.parse("orders:{0}"),
                FakeSignature.unnamed(List.class, long.class), false);
        assertEquals(byLong.key(S, null, null, null, 42, 0, 0).stable(), byInt.key(S, null, null, null, 42, 0, 0),
                "an int and a long of one value render one text");
    }

    /** Two texts of one hash: {@code "Aa"} and {@code "BB"} hash alike, and so do these two numbers. */
    private static final long COLLIDING_A = 1_105_884_863L;
    private static final long COLLIDING_B = 2_095_464_707L;

    /**
     * Keys are hashed from their values, so two texts of one hash reach the comparison of values: it must tell them
     * apart, however each key was made (text, values, values passed unboxed, another template), or one call is served
     * another's value.
     */
    @Test
    void keysOfTextsOfOneHashAreDifferent() {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertEquals(Long.toString(COLLIDING_A).hashCode(), Long.toString(COLLIDING_B).hashCode());
        assertNotEquals(CacheKey.of(S, "books:Aa"), CacheKey.of(S, "books:BB"));

        KeyRenderer books = renderer("books:{0}");
        CacheKey aa = books.key(S, new Object[] {"Aa"}).stable();
        assertEquals(aa.hashCode(), books.key(S, new Object[] {"BB"}).hashCode());
        assertNotEquals(aa, books.key(S, new Object[] {"BB"}));
        assertNotEquals(books.key(S, new Object[] {"BB"}), aa);
        assertNotEquals(aa, CacheKey.of(S, "books:BB"));
        assertNotEquals(renderer("Aa:{0}").key(S, new Object[] {"x"}).stable(), renderer("BB:{0}").key(S, new Object[] {"x"}),
                "two templates, one value");

        for (Class<?> type : List.of(long.class, int.class)) {
            KeyRenderer byNumber = TemplateBinder.bind(Template.parse("books:{0}"), FakeSignature.unnamed(List.class, type),
                    false);
            CacheKey a = byNumber.key(S, null, null, null, COLLIDING_A, 0, 0).stable();
            CacheKey b = byNumber.key(S, null, null, null, COLLIDING_B, 0, 0);
            assertEquals(a.hashCode(), b.hashCode());
            assertNotEquals(a, b, type + " passed unboxed");
            assertNotEquals(b, a, type + " passed unboxed");
            assertNotEquals(a, byNumber.key(S, new Object[] {COLLIDING_B}), type + " boxed");
            assertNotEquals(byNumber.key(S, new Object[] {COLLIDING_B}), a, type + " boxed");
        }
    }

    /** A value passed unboxed and a value of another class that renders the same text make one key. */
    @Test
    void aValuePassedUnboxedAndAnotherOfTheSameTextMakeOneKey() {
        KeyRenderer byLong = TemplateBinder.bind(Template.parse("books:{0}"), FakeSignature.unnamed(List.class, long.class),
                false);
        KeyRenderer byString = TemplateBinder.bind(Template.parse("books:{0}"),
                FakeSignature.unnamed(List.class, String.class), false);
        CacheKey fromString = byString.key(S, new Object[] {"5"}).stable();
        assertEquals(fromString, byLong.key(S, null, null, null, 5, 0, 0));
        assertEquals(byLong.key(S, null, null, null, 5, 0, 0), fromString);
        assertNotEquals(fromString, "books:5", "a key equals no string");
    }

    /** Parameters declared as the scalar types a key reads first: their keys are the keys of their texts. */
    @Test
    void keysOfParametersDeclaredAsScalarsAreTheKeysOfTheirTexts() {
        KeyRenderer typed = TemplateBinder.bind(Template.parse("t:{0}:{1}:{2}"),
                FakeSignature.unnamed(List.class, UUID.class, Long.class, String.class), false);
        KeyRenderer boxed = TemplateBinder.bind(Template.parse("t:{0}"), FakeSignature.unnamed(List.class, Integer.class),
                false);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 1_000; i++) {
            UUID id = new UUID(random.nextLong(), random.nextLong());
            long n = random.nextLong();
            String s = "s" + random.nextInt(1000) + (random.nextBoolean() ? ":x" : "");
            String text = "t:" + id + ":" + n + ":" + s.replace(":", "\\:");
            assertEquals(CacheKey.of(S, text), typed.key(S, new Object[] {id, n, s}), text);
            assertEquals(CacheKey.of(S, text), typed.key(S, id, n, s, 0, 0, 0), text);
            assertEquals(text, typed.key(S, id, n, s, 0, 0, 0).text());
            int m = random.nextInt();
            assertEquals(CacheKey.of(S, "t:" + m), boxed.key(S, m, null, null, 0, 0, 0));
            assertEquals(CacheKey.of(S, "t:" + m), boxed.key(S, new Object[] {m}));
        }
    }

    /**
     * Arguments passed unboxed in any position, and beside a value whose text must be rendered (a list), make the key
     * of their boxes: each is read from its own slot, and boxed when the key is rendered as text.
     */
    @Test
    void unboxedArgumentsInEveryPositionAndBesideAListMakeTheKeyOfTheirBoxes() {
        KeyRenderer twoLongs = TemplateBinder.bind(Template.parse("o:{0}:{1}:{2}"),
                FakeSignature.unnamed(List.class, long.class, long.class, int.class), false);
        assertEquals(CacheKey.of(S, "o:3:-4:5"), twoLongs.key(S, null, null, null, 3, -4, 5));
        assertEquals("o:3:-4:5", twoLongs.key(S, null, null, null, 3, -4, 5).text());
        assertEquals(twoLongs.key(S, new Object[] {3L, -4L, 5}).stable(), twoLongs.key(S, null, null, null, 3, -4, 5));

        KeyRenderer withList = TemplateBinder.bind(Template.parse("o:{0}:{1}:{2}"),
                FakeSignature.unnamed(List.class, long.class, List.class, int.class), false);
        CacheKey key = withList.key(S, null, List.of("a", "b"), null, 7, 0, 8);
        assertEquals("o:7:a,b:8", key.text());
        assertEquals(CacheKey.of(S, "o:7:a,b:8"), key);
        assertEquals(Integer.valueOf(-8), UnboxedArgument.INT.box(-8), "the box of an int is the Integer the method takes");
        assertEquals(Long.valueOf(-8), UnboxedArgument.LONG.box(-8));
    }

    /**
     * Enum constants and dates are described without their texts (they allocate nothing on a hit) only when their
     * texts tell them apart: an enum whose {@code toString} renders something else, and a date whose year is not
     * written in four digits, are rendered.
     */
    @Test
    void enumConstantsAndDatesAreKeysOfTheirTexts() {
        KeyRenderer byDate = TemplateBinder.bind(Template.parse("sales:{0}:{1}"),
                FakeSignature.unnamed(List.class, LocalDate.class, Object.class), false);
        for (LocalDate day = LocalDate.of(1999, 12, 25); day.isBefore(LocalDate.of(2001, 1, 5)); day = day.plusDays(1)) {
            for (Region region : Region.values()) {
                String text = "sales:" + day + ":" + String.valueOf(region).replace(":", "\\:");
                assertEquals(text.hashCode(), byDate.key(S, day, region, null, 0, 0, 0).hashCode(), text);
                assertEquals(CacheKey.of(S, text), byDate.key(S, day, region, null, 0, 0, 0), text);
                assertEquals(byDate.key(S, day, region, null, 0, 0, 0).stable(), CacheKey.of(S, text), text);
                assertEquals(text, byDate.key(S, day, region, null, 0, 0, 0).text());
            }
        }
        assertEquals(ScalarText.NOT_SCALAR, ScalarText.constant(Region.AP_SOUTH), "renders another constant's name");
        assertEquals(ScalarText.NOT_SCALAR, TimeText.date(LocalDate.of(10_000, 1, 1)));
        assertEquals(ScalarText.NOT_SCALAR, TimeText.date(LocalDate.of(999, 1, 1)));
        assertNotEquals(ScalarText.NOT_SCALAR, ScalarText.constant(Region.US_EAST), "a constant with a body");
        assertNotEquals(byDate.key(S, LocalDate.of(2000, 1, 1), Region.EU_WEST, null, 0, 0, 0).stable(),
                byDate.key(S, LocalDate.of(2000, 1, 1), Region.US_EAST, null, 0, 0, 0));
        assertEquals(byDate.key(S, LocalDate.of(2000, 1, 1), Region.EU_WEST, null, 0, 0, 0).stable(),
                byDate.key(S, LocalDate.of(2000, 1, 1), Region.AP_SOUTH, null, 0, 0, 0),
                "two constants of one text make one key, as in Redis");
    }

    /**
     * A double is described without its text (a hit allocates nothing for a {@code Double} argument) when it is written
     * in plain digits with at most seven decimals: prices, coordinates, ratios. Its text is {@code Double.toString}'s,
     * which chooses the fewest decimals that read back as the double.
     */
    /**
     * A float is described as a double is, its text {@code Float.toString}'s (so {@code 0.1f} is {@code 0.1}, not the
     * double's {@code 0.10000000149011612}).
     */
    @Test
    void floatsOfUpToSevenDecimalsAreKeysOfTheirTexts() {
        KeyRenderer byPrice = TemplateBinder.bind(Template.parse("price:{0}:{1}"),
                FakeSignature.unnamed(List.class, float.class, Float.class), false);
        SplittableRandom random = new SplittableRandom(8);
        int described = 0;
        for (int i = 0; i < 400_000; i++) {
            float price = (float) (random.nextInt(-100_000_000, 100_000_001) / Math.pow(10, random.nextInt(9)));
            float other = i % 2 == 0 ? (float) random.nextDouble(-2e7, 2e7) : Float.intBitsToFloat(random.nextInt());
            String text = "price:" + price + ":" + other;
            CacheKey key = byPrice.key(S, price, other, null, 0, 0, 0);
            assertKeyOf(text, key);
            for (float f : new float[] {price, other}) {
                long scalar = ScalarText.fractionOfFloat(f);
                if (scalar != ScalarText.NOT_SCALAR) {
                    described++;
                    assertEquals(Float.toString(f).hashCode(), ScalarText.hash(scalar), Float.toString(f));
                    assertEquals(ScalarText.power(Float.toString(f).length()), ScalarText.powerOfLength(scalar),
                            Float.toString(f));
                }
            }
        }
        assertTrue(described > 400_000, "most prices are described, not rendered: " + described);
        for (float composed : new float[] {0f, -0f, 0.1f, 19.99f, 0.001f, 100.1f, 1234567f, 9_999_999f, 0.3f, 16.25f}) {
            String text = Float.toString(composed);
            long scalar = ScalarText.fractionOfFloat(composed);
            assertEquals(text.hashCode(), ScalarText.hash(scalar), text);
            assertEquals(ScalarText.power(text.length()), ScalarText.powerOfLength(scalar), text);
        }
        for (float rendered : new float[] {1e7f, 9.99e-4f, 1.0E-5f, Float.NaN, Float.MIN_VALUE, Float.NEGATIVE_INFINITY,
                0.0012345678f}) {
            assertEquals(ScalarText.NOT_SCALAR, ScalarText.fractionOfFloat(rendered), "rendered: " + rendered);
        }
        assertNotEquals(byPrice.key(S, 0f, 1f, null, 0, 0, 0).stable(), byPrice.key(S, -0f, 1f, null, 0, 0, 0),
                "0.0 and -0.0");
    }

    /**
     * A {@code BigDecimal} in plain digits is described (amounts of money, rates); its text is its {@code toString}, the
     * scale included ({@code 12.50}), and one that {@code toString} writes with an exponent, or too long, is rendered.
     */
    @Test
    void bigDecimalsInPlainDigitsAreKeysOfTheirTexts() {
        KeyRenderer byAmount = TemplateBinder.bind(Template.parse("amount:{0}"),
                FakeSignature.unnamed(List.class, BigDecimal.class), false);
        SplittableRandom random = new SplittableRandom(9);
        int described = 0;
        for (int i = 0; i < 200_000; i++) {
            BigInteger unscaled = i % 10 == 0 ? new BigInteger(random.nextInt(1, 90), new java.util.Random(i))
                    : BigInteger.valueOf(random.nextLong() >> random.nextInt(64));
            BigDecimal amount = new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(),
                    random.nextInt(-4, 24));
            String text = "amount:" + amount;
            CacheKey key = byAmount.key(S, amount, null, null, 0, 0, 0);
            assertKeyOf(text, key);
            long scalar = ScalarText.bigDecimal(amount);
            if (scalar != ScalarText.NOT_SCALAR) {
                described++;
                assertEquals(amount.toString().hashCode(), ScalarText.hash(scalar), amount.toString());
                assertEquals(ScalarText.power(amount.toString().length()), ScalarText.powerOfLength(scalar),
                        amount.toString());
            }
        }
        assertTrue(described > 80_000, "plain ones are described, not rendered: " + described);
        for (String plain : new String[] {"0", "0.00", "12.50", "-0.05", "19.99", "-123456789.123456789", "0.000001",
                "999999999999999999", "7"}) {
            BigDecimal amount = new BigDecimal(plain);
            assertEquals(plain, amount.toString());
            assertEquals(plain.hashCode(), ScalarText.hash(ScalarText.bigDecimal(amount)), plain);
        }
        for (String rendered : new String[] {"1E+3", "1E-7", "0E-10", "1234567890123456789", "0.0000001234"}) {
            assertEquals(ScalarText.NOT_SCALAR, ScalarText.bigDecimal(new BigDecimal(rendered)), rendered);
        }
        assertNotEquals(byAmount.key(S, new BigDecimal("12.5"), null, null, 0, 0, 0).stable(),
                byAmount.key(S, new BigDecimal("12.50"), null, null, 0, 0, 0), "12.5 and 12.50");
        BigDecimal own = new BigDecimal("3.5") {
            @Override
            public String toString() {
                return "three and a half";
            }
        };
        assertEquals(ScalarText.NOT_SCALAR, ScalarText.scalar(own), "a subclass's text is its own");
        assertEquals(CacheKey.of(S, "amount:three and a half"), byAmount.key(S, own, null, null, 0, 0, 0));
    }

    /** {@code key} (a thread's probe) is the key of {@code text}, with its hash, and so is the copy that L1 keeps. */
    private static void assertKeyOf(String text, CacheKey key) {
        assertEquals(text.hashCode(), key.hashCode(), text);
        assertEquals(CacheKey.of(S, text), key, text);
        assertEquals(key.stable(), CacheKey.of(S, text), text);
        assertEquals(text, key.stable().text());
    }

    /**
     * A {@code java.util.Date} is described as the instant it holds (how a key renders it), and a kept key holds a copy
     * of it: a caller that changes its {@code Date} after the call does not change what L1 keeps.
     */
    @Test
    void datesAreKeysOfTheirInstantsAndAKeptKeyHoldsItsOwnCopy() {
        KeyRenderer byDay = TemplateBinder.bind(Template.parse("report:{0}:{1}"),
                FakeSignature.unnamed(List.class, Date.class, Object.class), false);
        SplittableRandom random = new SplittableRandom(10);
        for (int i = 0; i < 100_000; i++) {
            Date day = new Date(random.nextLong(-40_000_000_000_000L, 260_000_000_000_000L) / (i % 3 == 0 ? 1000 : 1));
            Object other = i % 2 == 0 ? new Date(random.nextLong()) : List.of(new Date(random.nextLong(0, 1L << 42)));
            String text = byDay.render(new Object[] {day, other}, null);
            CacheKey key = byDay.key(S, day, other, null, 0, 0, 0);
            assertKeyOf(text, key);
        }
        Date changed = new Date(1_765_000_000_123L);
        CacheKey kept = byDay.key(S, changed, "x", null, 0, 0, 0).stable();
        assertEquals("report:2025-12-06T05\\:46\\:40.123Z:x", kept.text());
        assertNotEquals(ScalarText.NOT_SCALAR, ScalarText.of(changed));
        changed.setTime(0);
        assertEquals(kept, CacheKey.of(S, "report:2025-12-06T05\\:46\\:40.123Z:x"), "the kept key kept its own date");
        assertNotEquals(kept, byDay.key(S, changed, "x", null, 0, 0, 0));
        assertEquals(kept, byDay.key(S, new Date(1_765_000_000_123L), "x", null, 0, 0, 0));
        for (Date jdbc : List.of(new java.sql.Date(1_765_000_000_123L), new java.sql.Time(1_765_000_000_123L),
                new java.sql.Timestamp(1_765_000_000_123L))) {
            assertKeyOf(byDay.render(new Object[] {jdbc, "x"}, null), byDay.key(S, jdbc, "x", null, 0, 0, 0));
            assertEquals(!(jdbc instanceof java.sql.Timestamp), ScalarText.of(jdbc) != ScalarText.NOT_SCALAR,
                    "described unless a Timestamp: " + jdbc.getClass().getName());
            CacheKey keptJdbc = byDay.key(S, jdbc, "x", null, 0, 0, 0).stable(); // its text not built yet
            Date same = (Date) jdbc.clone();
            jdbc.setTime(0);
            assertEquals(keptJdbc, byDay.key(S, same, "x", null, 0, 0, 0), "kept its own: " + jdbc.getClass().getName());
        }
    }

    @Test
    void doublesOfUpToSevenDecimalsAreKeysOfTheirTexts() {
        KeyRenderer byPoint = TemplateBinder.bind(Template.parse("weather:{0}:{1}"),
                FakeSignature.unnamed(List.class, double.class, Double.class), false);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            double latitude = random.nextInt(-90_000_000, 90_000_001) / Math.pow(10, random.nextInt(8));
            double other = i % 2 == 0 ? random.nextDouble(-1e7, 1e7) : Double.longBitsToDouble(random.nextLong());
            String text = "weather:" + latitude + ":" + other;
            // the double parameter passed unboxed, as its raw bits; the Double one boxed
            CacheKey key = byPoint.key(S, null, other, null, Double.doubleToRawLongBits(latitude), 0, 0);
            assertEquals(text.hashCode(), key.hashCode(), text);
            assertEquals(CacheKey.of(S, text), key, text);
            assertEquals(byPoint.key(S, new Object[] {latitude, other}).stable(), key, text);
            assertEquals(key.stable(), byPoint.key(S, new Object[] {latitude, other}), text);
            assertEquals(text, key.text());
            long described = ScalarText.fraction(latitude);
            if (Math.abs(latitude) >= 1e-3 && Math.abs(latitude) < 1e7 || latitude == 0) {
                assertNotEquals(ScalarText.NOT_SCALAR, described, "composed: " + latitude);
            }
        }
        for (double composed : new double[] {0.0, -0.0, 19.99, -52.520008, 0.001, 0.1, 9_999_999.9999999, 12}) {
            String text = Double.toString(composed);
            long described = ScalarText.fraction(composed);
            assertEquals(text.hashCode(), ScalarText.hash(described), text);
            assertEquals(ScalarText.power(text.length()), ScalarText.powerOfLength(described), text);
        }
        for (double rendered : new double[] {1e7, 9.99e-4, 0.1 + 0.2, 1.0E-5, 2e23, Double.NaN, Double.MIN_VALUE,
                Double.POSITIVE_INFINITY, 1.00000001}) {
            assertEquals(ScalarText.NOT_SCALAR, ScalarText.fraction(rendered), "rendered: " + rendered);
        }
        assertNotEquals(byPoint.key(S, null, 1.0, null, Double.doubleToRawLongBits(0.0), 0, 0).stable(),
                byPoint.key(S, null, 1.0, null, Double.doubleToRawLongBits(-0.0), 0, 0), "0.0 and -0.0");
        assertEquals(byPoint.key(S, null, 1.5, null, Double.doubleToRawLongBits(19.99), 0, 0).stable(),
                byPoint.key(S, null, 1.5, null, Double.doubleToRawLongBits(19.99), 0, 0));
    }

    /** A value whose getter makes a key of many values itself (a cached method) while the thread's array is filled. */
    public static final class Reentrant {
        private final String name;

        Reentrant(String name) {
            this.name = name;
        }

        public String getName() {
            renderer("w:{0}:{1}:{2}:{3}").key(S, new Object[] {"x", "y", "z", "inner"});
            return name;
        }
    }

    @Test
    void aKeyOfManyValuesIsRightWhenReadingThemMadeAnotherOnTheSameThread() {
        KeyRenderer outer = TemplateBinder.bind(Template.parse("o:{0}:{1}:{2}:{3.name}"),
                FakeSignature.unnamed(List.class, String.class, String.class, String.class, Reentrant.class), false);
        Object[] args = {"a", "b", "c", new Reentrant("d")};
        CacheKey key = outer.key(S, args);
        assertEquals("o:a:b:c:d", key.text());
        assertEquals(CacheKey.of(S, "o:a:b:c:d"), key);
        assertEquals("o:a:b:c:d", key.stable().text());
    }

    /** A thread's probe keeps its last lookup's values: an enum constant there would keep its class (SPEC §10). */
    @Test
    void aKeyHoldsAnEnumConstantByItsNameSoNoThreadKeepsItsClass() throws ReflectiveOperationException {
        Field first = CacheKey.class.getDeclaredField("v0");
        first.setAccessible(true);
        CacheKey one = renderer("stock:{0}").key(S, new Object[] {Region.EU_WEST});
        assertEquals("EU_WEST", first.get(one));
        assertEquals("EU_WEST", first.get(one.stable()));
        CacheKey three = renderer("stock:{0}:{1}:{2}").key(S, new Object[] {1, Region.US_EAST, Region.EU_WEST});
        Field second = CacheKey.class.getDeclaredField("v1");
        second.setAccessible(true);
        Field third = CacheKey.class.getDeclaredField("v2");
        third.setAccessible(true);
        assertEquals("US_EAST", second.get(three), "the second of three values");
        assertEquals("EU_WEST", third.get(three), "the third of three values");
        assertEquals("US_EAST", second.get(three.stable()));
        assertEquals("EU_WEST", third.get(three.stable()));
        assertEquals(CacheKey.of(S, "stock:1:US_EAST:EU_WEST"), three);
        CacheKey four = renderer("w:{0}:{1}:{2}:{3}").key(S, new Object[] {Region.EU_WEST, 2, 3, Region.US_EAST});
        Object[] held = ((CacheKey.ManyValues) first.get(four)).values;
        assertEquals(List.of("EU_WEST", 2, 3, "US_EAST"), Arrays.asList(held).subList(0, 4));
        assertEquals(CacheKey.of(S, "w:EU_WEST:2:3:US_EAST"), four.stable());
    }

    @Test
    void keysOfDifferentTextsDifferEvenWhenTheirValuesLookAlike() {
        KeyRenderer books = renderer("books:{0}:{1}");
        CacheKey key = books.key(S, new Object[] {5L, 6}).stable();
        assertEquals(key, books.key(S, new Object[] {5, 6L}), "different classes, same text: equal");
        assertNotEquals(key, books.key(S, new Object[] {5L, 7}));
        assertNotEquals(key, books.key(S, new Object[] {"5", "6 "}));
        assertEquals(key, books.key(S, new Object[] {"5", "6"}), "a string renders as the number does");
        assertNotEquals(books.key(S, new Object[] {"null", 1}).stable(), books.key(S, new Object[] {null, 1}));
        assertNotEquals(books.key(S, new Object[] {"a:b", 1}).stable(), books.key(S, new Object[] {"a", "b:1"}));
        assertEquals(renderer("book:{0}").key(S, new Object[] {5L}).stable(),
                renderer("book:{0}").key(S, new Object[] {"5"}),
                "two methods whose templates render the same text share the key");
    }

    @Test
    void aMapFindsEitherFormUnderTheOther() {
        UUID uuid = UUID.randomUUID();
        KeyRenderer renderer = renderer("books:{0}:{1}");
        Map<CacheKey, String> map = new HashMap<>();
        map.put(CacheKey.of(S, "books:" + uuid + ":3"), "by text");
        assertEquals("by text", map.get(renderer.key(S, new Object[] {uuid, 3})));
        map.clear();
        map.put(renderer.key(S, new Object[] {uuid, 3}).stable(), "composed");
        assertEquals("composed", map.remove(CacheKey.of(S, "books:" + uuid + ":3")));
    }

    @Test
    void aProbeIsRefilledForEachLookupAndOnlyItsStableCopyIsKept() {
        KeyRenderer renderer = renderer("books:{0}:{1}");
        CacheKey probe = renderer.key(S, new Object[] {1L, 2});
        CacheKey kept = probe.stable();
        assertSame(probe, renderer.key(S, new Object[] {3L, 4}), "one probe per thread");
        assertEquals("books:3:4", probe.text());
        assertEquals("books:1:2", kept.text(), "the stable copy keeps its values");
        assertSame(kept, kept.stable());
        assertEquals(CacheKey.of(S, "books:1:2"), kept);

        KeyRenderer four = renderer("w:{0}:{1}:{2}:{3}");
        CacheKey many = four.key(S, new Object[] {1L, "a", 'b', true});
        CacheKey manyKept = many.stable();
        assertSame(many, four.key(S, new Object[] {2L, "c", 'd', false}), "the probe of four values is the thread's");
        assertSame(probe, many);
        assertEquals("w:2:c:d:false", many.text());
        assertEquals("w:1:a:b:true", manyKept.text(), "the stable copy of four values keeps its own array");
        assertEquals(CacheKey.of(S, "w:1:a:b:true"), manyKept);
        assertEquals(manyKept, four.key(S, new Object[] {1L, "a", 'b', true}));
        assertNotEquals(manyKept, four.key(S, new Object[] {1L, "a", 'b', false}));
    }

    /** Integers of every length and sign, and around every power of ten and the int and long bounds. */
    @Test
    void theTextOfAnIntegerIsDescribedAsLongToStringWritesIt() {
        List<Long> values = new ArrayList<>(List.of(0L, Long.MAX_VALUE, Long.MIN_VALUE + 1, (long) Integer.MAX_VALUE,
                (long) Integer.MIN_VALUE, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE - 1L));
        for (long ten = 1; ten > 0 && ten <= Long.MAX_VALUE / 10; ten *= 10) {
            values.addAll(List.of(ten - 1, ten, ten + 1, 10 * ten - 1));
        }
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 100_000; i++) {
            values.add(random.nextLong() >> random.nextInt(64));
        }
        for (long value : new ArrayList<>(values)) {
            values.add(-value);
        }
        for (long value : values) {
            String text = Long.toString(value);
            assertEquals(text.hashCode(), ScalarText.hash(ScalarText.decimal(value)), text);
            assertEquals(ScalarText.power(text.length()), ScalarText.powerOfLength(ScalarText.decimal(value)), text);
        }
        assertEquals(ScalarText.NOT_SCALAR, ScalarText.decimal(Long.MIN_VALUE));
    }

    @Test
    void theHashOfAUuidIsTheHashOfItsText() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            UUID uuid = new UUID(random.nextLong(), random.nextLong());
            assertEquals(uuid.toString().hashCode(), UuidTextHash.of(uuid), uuid.toString());
        }
    }

    @Test
    void aConstantKeyIsBuiltOncePerScope() {
        KeyRenderer constant = renderer("storybook:all");
        assertSame(constant.key(S, new Object[0]), constant.key(S, new Object[0]));
        assertEquals("storybook:all", constant.key(S, new Object[0]).text());
    }

    @Test
    void keysOfDifferentClassLoadersNeverMeetEvenWithTheSameText() {
        KeyScope other = new KeyScope("other loader");
        UUID uuid = UUID.randomUUID();
        KeyRenderer renderer = renderer("books:{0}");
        assertNotEquals(CacheKey.of(S, "books:" + uuid), CacheKey.of(other, "books:" + uuid));
        assertNotEquals(renderer.key(S, new Object[] {uuid}).stable(), renderer.key(other, new Object[] {uuid}));
        assertNotEquals(CacheKey.of(S, "books:" + uuid), renderer.key(other, new Object[] {uuid}));
        KeyRenderer constant = renderer("storybook:all");
        CacheKey first = constant.key(S, new Object[0]);
        assertSame(other, constant.key(other, new Object[0]).scope());
        assertEquals(first, constant.key(S, new Object[0]));
    }

    private static KeyRenderer bind(String template, Class<?>... types) {
        return TemplateBinder.bind(Template.parse(template), FakeSignature.unnamed(List.class, types), false);
    }

    /**
     * Keys of one to six values whose texts have one hash and differ in one value only, in any position: the comparison
     * of values must look at every position, whether the values are boxed or passed unboxed, and compare values of
     * different classes there by their texts, or a call is served the value of another whose key differs only there.
     */
    @Test
    void keysOfTextsOfOneHashDifferingInAnyOnePositionAreDifferent() {
        for (int count = 1; count <= 6; count++) {
            StringBuilder template = new StringBuilder("p");
            Class<?>[] objects = new Class<?>[count];
            Class<?>[] longs = new Class<?>[count];
            for (int i = 0; i < count; i++) {
                template.append(":{").append(i).append('}');
                objects[i] = Object.class;
                longs[i] = long.class;
            }
            KeyRenderer boxed = bind(template.toString(), objects);
            KeyRenderer unboxed = bind(template.toString(), longs);
            for (int p = 0; p < count; p++) {
                Object[] a = new Object[count];
                Object[] b = new Object[count];
                Object[] sa = new Object[count];
                Object[] sb = new Object[count];
                long[] na = new long[6];
                long[] nb = new long[6];
                for (int i = 0; i < count; i++) {
                    a[i] = (long) i;
                    b[i] = (long) i;
                    na[i] = i;
                    nb[i] = i;
                    sa[i] = "s" + i;
                    sb[i] = "s" + i;
                }
                a[p] = COLLIDING_A;
                b[p] = COLLIDING_B;
                na[p] = COLLIDING_A;
                nb[p] = COLLIDING_B;
                sa[p] = "Aa";
                sb[p] = "BB";
                String where = template + ", differing at " + p;
                CacheKey kept = boxed.key(S, a).stable();
                assertDifferent(kept, boxed.key(S, b), where + ", boxed");
                assertDifferent(kept, boxed.key(S, b).stable(), where + ", boxed, both kept");
                assertDifferent(boxed.key(S, sa).stable(), boxed.key(S, sb), where + ", strings");
                assertDifferent(kept, passed(unboxed, nb), where + ", passed unboxed");
                CacheKey keptUnboxed = passed(unboxed, na).stable();
                assertDifferent(keptUnboxed, passed(unboxed, nb), where + ", both passed unboxed");
                assertDifferent(keptUnboxed, boxed.key(S, b), where + ", unboxed and boxed");
                assertEquals(keptUnboxed, boxed.key(S, a), where + ", one text");
                Object[] mixed = a.clone();
                mixed[p] = Long.toString(COLLIDING_B); // a string there: values of different classes, texts of one hash
                assertDifferent(kept, boxed.key(S, mixed), where + ", a number and a string");
                assertDifferent(keptUnboxed, boxed.key(S, mixed), where + ", passed unboxed and a string");
                assertDifferent(boxed.key(S, mixed).stable(), passed(unboxed, na), where + ", a string and passed unboxed");
                mixed[p] = Long.toString(COLLIDING_A);
                assertEquals(keptUnboxed, boxed.key(S, mixed), where + ", a string of one text");
                assertEquals(boxed.key(S, mixed).stable(), passed(unboxed, na), where + ", a string of one text");
            }
        }
    }

    /** The key of a call passing its {@code long} slots {@code n}, its object slots {@code null}. */
    private static CacheKey passed(KeyRenderer renderer, long[] n) {
        return renderer.key(S, null, null, null, null, null, null, n[0], n[1], n[2], n[3], n[4], n[5]);
    }

    private static void assertDifferent(CacheKey kept, CacheKey probe, String where) {
        assertEquals(kept.hashCode(), probe.hashCode(), where + ": texts of one hash");
        assertNotEquals(kept, probe, where);
        assertNotEquals(probe, kept, where);
    }

    /**
     * An L1 hit compares the values of the keys, building neither text: values passed unboxed against their boxes
     * (a {@code long}, an {@code int}, a {@code double}), one, three or five of them, and keys of two templates whose
     * texts are the same.
     */
    @Test
    void keysOfEqualValuesAreComparedWithoutBuildingTheirTexts() throws ReflectiveOperationException {
        Field text = CacheKey.class.getDeclaredField("text");
        text.setAccessible(true);
        UUID id = new UUID(3, 4);
        long half = Double.doubleToRawLongBits(2.5);
        KeyRenderer oneUnboxed = bind("o:{0}", int.class);
        KeyRenderer oneBoxed = bind("o:{0}", Integer.class);
        KeyRenderer threeUnboxed = bind("m:{0}:{1}:{2}", long.class, int.class, double.class);
        KeyRenderer threeBoxed = bind("m:{0}:{1}:{2}", Long.class, Integer.class, Double.class);
        KeyRenderer fiveUnboxed = bind("f:{0}:{1}:{2}:{3}:{4}", long.class, int.class, double.class, String.class,
                UUID.class);
        KeyRenderer fiveBoxed = bind("f:{0}:{1}:{2}:{3}:{4}", Object.class, Object.class, Object.class, Object.class,
                Object.class);
        Object[] five = {5L, -6, 2.5, "s", id};
        assertComparedByValues(text, oneBoxed.key(S, new Object[] {-6}).stable(),
                oneUnboxed.key(S, null, null, null, -6, 0, 0), "an int passed unboxed");
        assertComparedByValues(text, oneUnboxed.key(S, null, null, null, -6, 0, 0).stable(),
                oneBoxed.key(S, new Object[] {-6}), "the kept key of an int passed unboxed");
        assertComparedByValues(text, threeBoxed.key(S, new Object[] {5L, -6, 2.5}).stable(),
                threeUnboxed.key(S, null, null, null, 5, -6, half), "a long, an int and a double passed unboxed");
        assertComparedByValues(text, threeUnboxed.key(S, null, null, null, 5, -6, half).stable(),
                threeBoxed.key(S, new Object[] {5L, -6, 2.5}), "the kept key of three values passed unboxed");
        assertComparedByValues(text, fiveBoxed.key(S, five).stable(),
                fiveUnboxed.key(S, null, null, null, "s", id, null, 5, -6, half, 0, 0, 0), "five values");
        assertComparedByValues(text, fiveUnboxed.key(S, null, null, null, "s", id, null, 5, -6, half, 0, 0, 0).stable(),
                fiveBoxed.key(S, five), "the kept key of five values");
        assertComparedByValues(text, renderer("t:{0}").key(S, new Object[] {7L}).stable(),
                bind("t:{0}", long.class).key(S, null, null, null, 7, 0, 0), "two templates of one text");
    }

    /**
     * A {@code boolean} or {@code Boolean} parameter is described as {@code true}, {@code false} or {@code null}, and
     * its key equals the key of its text and of the same value under a parameter declared {@code Object}, alone and
     * among the values of a key of more than three.
     */
    @Test
    void booleanParametersMakeTheKeyOfTheirText() {
        KeyRenderer flags = bind("b:{0}:{1}", boolean.class, Boolean.class);
        KeyRenderer objects = bind("b:{0}:{1}", Object.class, Object.class);
        KeyRenderer four = bind("q:{0}:{1}:{2}:{3}", String.class, long.class, int.class, boolean.class);
        for (Boolean flag : new Boolean[] {true, false, null}) {
            for (boolean first : new boolean[] {true, false}) {
                String text = "b:" + first + ":" + flag;
                CacheKey key = flags.key(S, new Object[] {first, flag});
                assertEquals(text.hashCode(), key.hashCode(), text);
                assertEquals(CacheKey.of(S, text), key, text);
                assertEquals(objects.key(S, new Object[] {first, flag}).stable(), flags.key(S, new Object[] {first, flag}),
                        text);
                String many = "q:acme:7:3:" + first;
                CacheKey kept = four.key(S, new String("acme".toCharArray()), null, null, first, null, null, 0, 7, 3, 0, 0, 0)
                        .stable();
                assertEquals(many.hashCode(), kept.hashCode(), many);
                assertEquals(CacheKey.of(S, many), kept, many);
                assertEquals(kept, four.key(S, "acme", null, null, first, null, null, 0, 7, 3, 0, 0, 0), many);
                assertNotEquals(kept, four.key(S, "acme", null, null, !first, null, null, 0, 7, 3, 0, 0, 0), many);
            }
        }
    }

    /** {@code probe} (made after {@code kept}: a probe is valid until the thread's next key) equals it, no text built. */
    private static void assertComparedByValues(Field text, CacheKey kept, CacheKey probe, String where)
            throws IllegalAccessException {
        assertEquals(kept, probe, where);
        assertEquals(probe, kept, where);
        assertNull(text.get(kept), where + ": the kept key's text was built");
        assertNull(text.get(probe), where + ": the probe's text was built");
    }

    /**
     * The stable copy of a key of values passed unboxed, in each of the three positions of a key of three, holds boxes:
     * it keeps its values when the thread's probe (and its holders) are refilled.
     */
    @Test
    void theStableCopyOfValuesPassedUnboxedInEveryPositionKeepsThem() {
        KeyRenderer renderer = bind("p:{0}:{1}:{2}", long.class, int.class, double.class);
        CacheKey kept = renderer.key(S, null, null, null, 1, 2, Double.doubleToRawLongBits(3.5)).stable();
        CacheKey probe = renderer.key(S, null, null, null, 4, 5, Double.doubleToRawLongBits(6.5));
        assertEquals("p:4:5:6.5", probe.text());
        assertEquals("p:1:2:3.5", kept.text(), "the stable copy keeps its values");
        assertEquals(CacheKey.of(S, "p:1:2:3.5"), kept);
        assertNotEquals(kept, probe);
        assertEquals(kept, renderer.key(S, null, null, null, 1, 2, Double.doubleToRawLongBits(3.5)));
    }

    /**
     * An enum constant's name is an identifier in Java only: in the JVM's classes (Kotlin's or Scala's backquoted
     * names) it may hold {@code , : \} or be {@code null}, which its text escapes. Its key is then the key of that
     * text, hashed alike, or an invalidation by text (from another instance) would miss the entry.
     */
    @Test
    void anEnumConstantWhoseNameMustBeEscapedIsTheKeyOfItsText() {
        Class<?> type = new ByteBuddy().makeEnumeration("a,b", "x:y", "back\\slash", "null", "plain")
                .name("io.weft.agent.keys.CacheKeyTestOddNames").make().load(CacheKeyTest.class.getClassLoader())
                .getLoaded();
        List<String> texts = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            texts.add(Values.render(constant));
            for (String template : List.of("e:{0}", "e:{1}:{0}:{1}", "e:{0}:{1}:{2}:{3}")) {
                KeyRenderer renderer = renderer(template);
                Object[] args = {constant, "b", 3L, constant};
                String text = renderer.render(args, null);
                CacheKey key = renderer.key(S, args);
                assertEquals(text.hashCode(), key.hashCode(), text);
                assertEquals(CacheKey.of(S, text), key, text);
                assertEquals(key.stable(), CacheKey.of(S, text), text);
                assertEquals(text, renderer.key(S, constant, "b", 3L, constant, null, null, 0, 0, 0, 0, 0, 0).text());
                assertEquals(CacheKey.of(S, text),
                        renderer.key(S, constant, "b", 3L, constant, null, null, 0, 0, 0, 0, 0, 0), text);
            }
        }
        assertEquals(List.of("a\\,b", "x\\:y", "back\\\\slash", "\\null", "plain"), texts);
    }

    private static Object pick(List<Object> values, SplittableRandom random) {
        return values.get(random.nextInt(values.size()));
    }
}
