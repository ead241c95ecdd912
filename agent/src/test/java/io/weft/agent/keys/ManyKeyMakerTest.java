package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Field;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The code generated for a template of more than three placeholders ({@link ManyKeyMakerClass}) makes the key of the
 * text the template renders, the key the loop over its placeholders makes from the arguments' array, whatever the
 * parameters' declared types, the values, the literals and the order the placeholders read the parameters in.
 */
class ManyKeyMakerTest {

    private static final KeyScope S = new KeyScope("test");
    private static final Class<?>[] TYPES = {String.class, long.class, int.class, double.class, boolean.class,
        Long.class, Integer.class, Boolean.class, UUID.class, LocalDate.class, TimeUnit.class, List.class, Object.class,
        char.class, Double.class, Holder.class};
    private static final String[] SEPARATORS = {":", ",", ":x:", "\\\\:", "-:-", "::", ",é,"};
    private static final String[] STRINGS = {"acme", "Aa", "BB", "x:y", "null", "", "a,b\\c", "ünïcødé",
        "a string longer than the sixty-four characters whose powers of thirty-one are tabulated"};

    @Test
    void generatedKeysAreTheKeysOfTheirTextsAndOfTheLoop() {
        SplittableRandom random = new SplittableRandom(20);
        int generated = 0;
        for (int round = 0; round < 3_000; round++) {
            int parameters = 4 + random.nextInt(3);
            Class<?>[] types = new Class<?>[parameters];
            for (int p = 0; p < parameters; p++) {
                types[p] = TYPES[random.nextInt(TYPES.length)];
            }
            int placeholders = 4 + random.nextInt(3);
            StringBuilder template = new StringBuilder(random.nextBoolean() ? "k:" : "");
            for (int i = 0; i < placeholders; i++) {
                if (i > 0) {
                    template.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
                }
                int parameter = i < parameters ? i : random.nextInt(parameters);
                template.append('{').append(parameter).append(types[parameter] == Holder.class ? ".value}" : "}");
            }
            template.append(random.nextBoolean() ? ":tail" : "");
            KeyRenderer renderer = TemplateBinder.bind(Template.parse(template.toString()),
                    FakeSignature.unnamed(List.class, types), false);
            generated += maker(renderer) != null ? 1 : 0;
            Object[] args = new Object[parameters];
            Object[] slots = new Object[6];
            long[] bits = new long[6];
            for (int p = 0; p < parameters; p++) {
                args[p] = value(types[p], random);
                UnboxedArgument unboxed = UnboxedArgument.of(types[p].getName());
                if (unboxed == null) {
                    slots[p] = args[p];
                } else {
                    bits[p] = unboxed == UnboxedArgument.DOUBLE ? Double.doubleToRawLongBits((Double) args[p])
                            : ((Number) args[p]).longValue();
                }
            }
            String text = renderer.render(args, null);
            String where = template + " " + Arrays.toString(types) + " " + Arrays.toString(args);
            CacheKey passed = renderer.key(S, slots[0], slots[1], slots[2], slots[3], slots[4], slots[5], bits[0],
                    bits[1], bits[2], bits[3], bits[4], bits[5]);
            assertEquals(text.hashCode(), passed.hashCode(), where);
            assertEquals(CacheKey.of(S, text), passed, where);
            assertEquals(passed, CacheKey.of(S, text), where);
            CacheKey kept = passed.stable();
            CacheKey fromArray = renderer.key(S, args);
            assertEquals(kept, fromArray, where);
            assertEquals(fromArray, kept, where);
            assertEquals(text, kept.text(), where);
        }
        assertEquals(3_000, generated, "every template read its arguments or their properties: each has code of its own");
    }

    @Test
    void aTemplateReadingAPropertyHasCodeOfItsOwnAndAValueThatIsNoScalarIsRendered() {
        KeyRenderer property = TemplateBinder.bind(Template.parse("q:{0}:{1}:{2}:{3.bytes}"),
                FakeSignature.unnamed(List.class, String.class, long.class, int.class, String.class), false);
        assertNotNull(maker(property));
        CacheKey key = property.key(S, "a", null, null, "bc", null, null, 0, 1, 2, 0, 0, 0);
        assertEquals(CacheKey.of(S, property.render(new Object[] {"a", 1L, 2, "bc"}, null)), key);
    }

    /** A scalar read through a property is held in the thread's probe, as an argument is: no text is built. */
    @Test
    void aPropertyThatIsAScalarMakesTheThreadsProbe() {
        KeyRenderer property = TemplateBinder.bind(Template.parse("q:{0}:{1}:{2}:{3.value}"),
                FakeSignature.unnamed(List.class, String.class, long.class, int.class, Holder.class), false);
        CacheKey first = property.key(S, "a", null, null, new Holder("bc"), null, null, 0, 1, 2, 0, 0, 0);
        assertEquals(CacheKey.of(S, "q:a:1:2:bc"), first);
        assertSame(first, property.key(S, "a", null, null, new Holder("bc"), null, null, 0, 1, 2, 0, 0, 0),
                "the thread's probe, filled again");
        assertEquals("q:a:1:2:bd", property.key(S, "a", null, null, new Holder("bd"), null, null, 0, 1, 2, 0, 0, 0)
                .stable().text());
    }

    @Test
    void aTemplateReadingTheReturnValueIsLeftToTheLoop() {
        KeyRenderer result = TemplateBinder.bind(Template.parse("q:{0}:{1}:{2}:{return.value}"),
                FakeSignature.unnamed(Holder.class, String.class, long.class, int.class), true);
        assertNull(maker(result));
    }

    /** A parameter whose placeholder reads its property {@code value}: any scalar, or {@code null}. */
    public static final class Holder {
        private final Object value;

        Holder(Object value) {
            this.value = value;
        }

        public Object getValue() {
            return value;
        }

        @Override
        public String toString() {
            return "Holder[" + value + "]";
        }
    }

    /** A template bound again (its application deployed again) reuses its class; other literals get their own. */
    @Test
    void aTemplateBoundAgainReusesItsClass() {
        Class<?>[] types = {String.class, long.class, int.class, boolean.class};
        ManyKeyMaker first = maker(TemplateBinder.bind(Template.parse("r:{0}:{1}:{2}:{3}"),
                FakeSignature.unnamed(List.class, types), false));
        ManyKeyMaker again = maker(TemplateBinder.bind(Template.parse("r:{0}:{1}:{2}:{3}"),
                FakeSignature.unnamed(List.class, types), false));
        ManyKeyMaker other = maker(TemplateBinder.bind(Template.parse("s:{0}:{1}:{2}:{3}"),
                FakeSignature.unnamed(List.class, types), false));
        assertSame(first.getClass(), again.getClass());
        assertNotSame(first.getClass(), other.getClass());
    }

    /** Keys of values that differ in one position only differ, the values passed unboxed or not. */
    @Test
    void keysDifferingInOneValueDiffer() {
        KeyRenderer renderer = TemplateBinder.bind(Template.parse("q:{0}:{1}:{2}:{3}:{4}"),
                FakeSignature.unnamed(List.class, String.class, long.class, int.class, boolean.class, double.class),
                false);
        CacheKey kept = renderer.key(S, "acme", null, null, true, null, null, 0, 7, 3, 0, bits(2.5), 0).stable();
        assertEquals(kept, renderer.key(S, new String("acme".toCharArray()), null, null, true, null, null, 0, 7, 3, 0,
                bits(2.5), 0));
        assertNotEquals(kept, renderer.key(S, "acmf", null, null, true, null, null, 0, 7, 3, 0, bits(2.5), 0));
        assertNotEquals(kept, renderer.key(S, "acme", null, null, true, null, null, 0, 8, 3, 0, bits(2.5), 0));
        assertNotEquals(kept, renderer.key(S, "acme", null, null, true, null, null, 0, 7, 4, 0, bits(2.5), 0));
        assertNotEquals(kept, renderer.key(S, "acme", null, null, false, null, null, 0, 7, 3, 0, bits(2.5), 0));
        assertNotEquals(kept, renderer.key(S, "acme", null, null, true, null, null, 0, 7, 3, 0, bits(3.5), 0));
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    private static ManyKeyMaker maker(KeyRenderer renderer) {
        try {
            Field maker = renderer.getClass().getDeclaredField("maker");
            maker.setAccessible(true);
            return (ManyKeyMaker) maker.get(renderer);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object value(Class<?> type, SplittableRandom random) {
        boolean nullable = !type.isPrimitive();
        if (nullable && random.nextInt(8) == 0) {
            return null;
        }
        if (type == String.class) {
            return new String(STRINGS[random.nextInt(STRINGS.length)].toCharArray());
        }
        if (type == long.class || type == Long.class) {
            return random.nextBoolean() ? random.nextLong() : (long) random.nextInt(-1_000, 1_000);
        }
        if (type == int.class || type == Integer.class) {
            return random.nextBoolean() ? random.nextInt() : random.nextInt(-1_000, 1_000);
        }
        if (type == double.class || type == Double.class) {
            double[] doubles = {12.5, -0.1, 0.0, -0.0, 1e10, 3.0000001, Double.NaN, random.nextDouble()};
            return doubles[random.nextInt(doubles.length)];
        }
        if (type == boolean.class || type == Boolean.class) {
            return random.nextBoolean();
        }
        if (type == UUID.class) {
            return new UUID(random.nextLong(), random.nextLong());
        }
        if (type == LocalDate.class) {
            return LocalDate.ofEpochDay(random.nextInt(-800_000, 800_000));
        }
        if (type == TimeUnit.class) {
            return TimeUnit.values()[random.nextInt(TimeUnit.values().length)];
        }
        if (type == List.class) {
            return random.nextBoolean() ? Arrays.asList(1L, null, 3L) : List.of("a:b", "c");
        }
        if (type == char.class) {
            return ":a,\\é".charAt(random.nextInt(5));
        }
        if (type == Holder.class) {
            return new Holder(random.nextInt(6) == 0 ? null : value(Object.class, random));
        }
        Object[] any = {7L, "s:t", TimeUnit.SECONDS, 2.5, true, 'c', List.of(1, 2)};
        return any[random.nextInt(any.length)];
    }
}
