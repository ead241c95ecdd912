package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A key composed from a template and its values, without its text, is interchangeable with the key of its
 * rendered text: the same hash, equal both ways, found in a map under the other; and keys of different
 * texts or different class loaders differ. Checked over many templates and random values of every kind.
 */
class CacheKeyTest {

    private static final KeyScope S = new KeyScope("test");
    private static final List<String> TEMPLATES = List.of("book:{0}", "{0}", "storybook:books:{0}", "ünïcødé:{0}:tail",
            "books:{0}:{1}", "{0},{1}", "a:{0}:b:{1}:c:{2}:d", "w:{0}:{1}:{2}:{3}", "x\\y:{0}");

    private static KeyRenderer renderer(String template) {
        return TemplateBinder.bind(Template.parse(template),
                FakeSignature.unnamed(List.class, Object.class, Object.class, Object.class, Object.class), false);
    }

    /** Values of every kind a key meets: canonical scalars (composed keys) and others (text keys). */
    private static List<Object> values(SplittableRandom random) {
        List<Object> values = new ArrayList<>(List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 7, -7, Integer.MIN_VALUE,
                (short) -3, (byte) 9, true, false, "", "null", "Null", "a:b", "a,b", "a\\b", "x", "ünï", "12345678901234",
                new UUID(0, 0), UUID.randomUUID(), 1.5, TimeUnit.SECONDS, List.of(1, 2), 'c'));
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

    private static Object pick(List<Object> values, SplittableRandom random) {
        return values.get(random.nextInt(values.size()));
    }
}
