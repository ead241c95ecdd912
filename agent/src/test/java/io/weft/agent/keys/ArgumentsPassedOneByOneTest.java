package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A woven method of up to six parameters passes them one by one (a {@code long}, {@code int} or {@code double} unboxed
 * in the {@code long} slot of its position): its key is the key of the array of its arguments, whatever the kind of
 * each parameter, its position and the number of placeholders, and a key of more than three values stays right when
 * reading them makes another key on the same thread.
 */
class ArgumentsPassedOneByOneTest {

    private static final KeyScope S = new KeyScope("test");
    /** Templates over six parameters: one placeholder in a late position, up to seven, repeated and reordered. */
    private static final List<String> TEMPLATES = List.of("one:{4}", "{5}", "two:{3}:{0}", "t:{1}:{4}:{5}",
            "w:{0}:{1}:{2}:{3}", "s:{0}:{1}:{2}:{3}:{4}:{5}", "v:{5},{4}:{3}:{2}:{1}:{0}:{0}:");
    /** Templates over three parameters, which pass three slots of each kind: up to five placeholders. */
    private static final List<String> SHORT_TEMPLATES = List.of("{1}", "b:{2}:{0}", "r:{0}:{1}:{2}:{0}",
            "{2}:{1}:{0}:{2}:{1}");
    private static final List<Class<?>> TYPES = List.of(long.class, int.class, double.class, boolean.class, char.class,
            String.class, Long.class, Object.class);

    private static KeyRenderer bind(String template, Class<?>... types) {
        return TemplateBinder.bind(Template.parse(template), FakeSignature.unnamed(List.class, types), false);
    }

    /** A value of a parameter declared as {@code type}: boxed, as its arguments array holds it. */
    private static Object value(Class<?> type, SplittableRandom random) {
        if (type == long.class || type == Long.class) {
            return random.nextBoolean() ? random.nextLong() : (long) random.nextInt(-200, 200);
        }
        if (type == int.class) {
            return random.nextBoolean() ? random.nextInt() : random.nextInt(-200, 200);
        }
        if (type == double.class) {
            double[] doubles = {12.5, -0.0, 0.1 + 0.2, 1e7, random.nextDouble(-1e4, 1e4), random.nextInt(100) / 8.0};
            return doubles[random.nextInt(doubles.length)];
        }
        if (type == boolean.class) {
            return random.nextBoolean();
        }
        if (type == char.class) {
            return (char) random.nextInt('0', 'z');
        }
        Object[] objects = {"s" + random.nextInt(100), "a:b", null, new UUID(random.nextLong(), random.nextLong()),
                List.of(1, 2), 7L, random.nextInt()};
        return type == String.class ? "n" + random.nextInt(50) : objects[random.nextInt(objects.length)];
    }

    /** A call of parameters of random kinds: their types, the array of its arguments, and its slots. */
    private static final class Call {
        final Class<?>[] types;
        final Object[] args;
        final Object[] a = new Object[6];
        final long[] n = new long[6];

        Call(int parameters, SplittableRandom random) {
            types = new Class<?>[parameters];
            args = new Object[parameters];
            for (int p = 0; p < parameters; p++) {
                types[p] = TYPES.get(random.nextInt(TYPES.size()));
                args[p] = value(types[p], random);
                UnboxedArgument unboxed = UnboxedArgument.of(types[p].getName());
                if (unboxed == null) {
                    a[p] = args[p];
                } else {
                    n[p] = unboxed == UnboxedArgument.DOUBLE ? Double.doubleToRawLongBits((Double) args[p])
                            : ((Number) args[p]).longValue();
                }
            }
        }

        /** The key as the runtime makes it: through the entry of three slots of each kind for up to three. */
        CacheKey key(KeyRenderer renderer) {
            return types.length <= 3 ? renderer.key(S, a[0], a[1], a[2], n[0], n[1], n[2])
                    : renderer.key(S, a[0], a[1], a[2], a[3], a[4], a[5], n[0], n[1], n[2], n[3], n[4], n[5]);
        }
    }

    @Test
    void theKeyOfArgumentsPassedOneByOneIsTheKeyOfTheirArray() {
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 3_000; i++) {
            for (int parameters : new int[] {3, 6}) {
                Call call = new Call(parameters, random);
                for (String template : parameters == 3 ? SHORT_TEMPLATES : TEMPLATES) {
                    KeyRenderer renderer = bind(template, call.types);
                    CacheKey fromArray = renderer.key(S, call.args).stable();
                    CacheKey passed = call.key(renderer);
                    String where = template + " " + List.of(call.types);
                    assertEquals(fromArray.hashCode(), passed.hashCode(), where);
                    assertEquals(fromArray, passed, where);
                    assertEquals(passed, fromArray, where);
                    assertEquals(renderer.render(call.args, null), passed.text(), where);
                    assertEquals(fromArray, passed.stable(), where);
                    assertEquals(passed.stable(), fromArray, where);
                }
            }
        }
    }

    /** The probe of many values is the thread's, refilled; its stable copy holds boxes and keeps its values. */
    @Test
    void theStableCopyOfManyValuesPassedUnboxedKeepsThem() {
        KeyRenderer renderer = bind("q:{0}:{1}:{2}:{3}", String.class, long.class, int.class, double.class);
        CacheKey probe = renderer.key(S, "acme", null, null, null, null, null, 0, 1_234_567L, 3,
                Double.doubleToRawLongBits(2.5), 0, 0);
        CacheKey kept = probe.stable();
        assertSame(probe, renderer.key(S, "acme", null, null, null, null, null, 0, 8, 9,
                Double.doubleToRawLongBits(0.5), 0, 0), "one probe per thread");
        assertEquals("q:acme:8:9:0.5", probe.text());
        assertEquals("q:acme:1234567:3:2.5", kept.text(), "the stable copy keeps its values");
        assertEquals(CacheKey.of(S, "q:acme:1234567:3:2.5"), kept);
        assertNotEquals(kept, probe);
        assertNotEquals(probe, kept);
        assertEquals(renderer.key(S, new Object[] {"acme", 1_234_567L, 3, 2.5}), kept);
    }

    /** A property path read from a parameter passed in the fourth slot or later, beside values passed unboxed. */
    @Test
    void aPathIsReadFromALateSlot() {
        KeyRenderer renderer = bind("o:{0}:{1}:{2}:{3.name}:{4}:{5}", String.class, long.class, int.class, Named.class,
                double.class, long.class);
        CacheKey key = renderer.key(S, "a", null, null, new Named("d"), null, null, 0, 7, 8, 0,
                Double.doubleToRawLongBits(2.5), 9);
        assertEquals("o:a:7:8:d:2.5:9", key.text());
        assertEquals(CacheKey.of(S, "o:a:7:8:d:2.5:9"), key);
        KeyRenderer late = bind("late:{5.name}", String.class, long.class, int.class, Object.class, double.class,
                Named.class);
        assertEquals(CacheKey.of(S, "late:x"),
                late.key(S, null, null, null, null, null, new Named("x"), 0, 0, 0, 0, 0, 0));
    }

    /** A value with a name, read through a getter. */
    public static class Named {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        public String getName() {
            return name;
        }
    }

    /** A value whose getter makes a key of many values passed unboxed on the same thread (a cached method's). */
    public static final class Reentrant extends Named {
        private static final KeyRenderer INNER = bind("i:{0}:{1}:{2}:{3}:{4}", long.class, long.class, long.class,
                long.class, int.class);

        Reentrant(String name) {
            super(name);
        }

        @Override
        public String getName() {
            INNER.key(S, null, null, null, null, null, null, 1, 2, 3, 4, 5, 0);
            return super.getName();
        }
    }

    @Test
    void aKeyOfManyValuesPassedOneByOneIsRightWhenReadingThemMadeAnotherOnTheSameThread() {
        KeyRenderer outer = bind("o:{0}:{1}:{2}:{3.name}:{4}", long.class, long.class, String.class, Reentrant.class,
                int.class);
        CacheKey key = outer.key(S, null, null, "c", new Reentrant("d"), null, null, 10, 20, 0, 0, 30, 0);
        assertEquals("o:10:20:c:d:30", key.text());
        assertEquals(CacheKey.of(S, "o:10:20:c:d:30"), key);
        assertEquals("o:10:20:c:d:30", key.stable().text());
    }
}
