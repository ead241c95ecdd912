package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.time.LocalDate;
import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A key whose placeholder is a collection or an array of scalars is described from its elements ({@link Elements})
 * instead of its text: it must still be the key of that text (same hash, equal both ways), equal to another key exactly
 * when their texts are equal, whatever the container and the elements' classes, and its kept copy must not change with
 * the caller's collection.
 */
class ElementsKeyTest {

    private static final KeyScope S = new KeyScope("test");
    /** Elements whose texts coincide across classes ({@code 1}, {@code 1L}, {@code "1"}…) or need escaping. */
    private static final List<Object> POOL = Arrays.asList(1, 1L, "1", (short) 1, (byte) 1, null, "null", "\\~", "",
            "a,b", "a", "b", 'a', true, "true", 2L, 2, 1.0, "1.0", new UUID(1, 2), new UUID(1, 2).toString(),
            LocalDate.of(2026, 12, 7), "2026-12-07", "\\[]", "x:y");

    private static KeyRenderer renderer(String template, Class<?>... parameterTypes) {
        return TemplateBinder.bind(Template.parse(template), FakeSignature.unnamed(List.class, parameterTypes), false);
    }

    /** A random collection or array of elements picked from {@code elements}, of a random container. */
    static Object sequence(SplittableRandom random, List<Object> elements) {
        int size = random.nextInt(10) == 0 ? Elements.MAX_ELEMENTS - 1 + random.nextInt(3) : random.nextInt(5);
        List<Object> picked = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            picked.add(elements.get(random.nextInt(elements.size())));
        }
        switch (random.nextInt(9)) {
            case 0:
                return picked;
            case 1:
                return new LinkedList<>(picked);
            case 2:
                return new LinkedHashSet<>(picked);
            case 3:
                return Arrays.asList(picked.toArray());
            case 4:
                return picked.toArray();
            case 5:
                return List.copyOf(withoutNulls(picked));
            case 6:
                long[] longs = new long[size];
                for (int i = 0; i < size; i++) {
                    longs[i] = random.nextBoolean() ? random.nextLong() : random.nextInt(3);
                }
                return longs;
            case 7:
                int[] ints = new int[size];
                for (int i = 0; i < size; i++) {
                    ints[i] = random.nextInt(-3, 3);
                }
                return ints;
            default:
                TreeSet<String> strings = new TreeSet<>();
                for (Object element : picked) {
                    strings.add(String.valueOf(element));
                }
                return strings.toArray(new String[0]);
        }
    }

    private static List<Object> withoutNulls(List<Object> elements) {
        List<Object> kept = new ArrayList<>(elements);
        kept.removeIf(e -> e == null);
        return kept;
    }

    @Test
    void aCollectionOrArrayIsTheKeyOfItsTextBothWaysWithTheSameHash() {
        SplittableRandom random = new SplittableRandom(3);
        List<KeyRenderer> renderers = List.of(renderer("ids:{0}", List.class), renderer("ids:{0}", Collection.class),
                renderer("ids:{0}", Object.class), renderer("ids:{0}", long[].class), renderer("ids:{0}", Object[].class),
                renderer("q:{0}:{1}", Object.class, long.class), renderer("q:{0}:{1}:{2}:{3}", String.class, List.class,
                        Object.class, int.class));
        for (int i = 0; i < 20_000; i++) {
            KeyRenderer renderer = renderers.get(random.nextInt(renderers.size()));
            Object[] args = {sequence(random, POOL), sequence(random, POOL), sequence(random, POOL), 7};
            if (renderers.indexOf(renderer) >= 5) {
                args = renderers.indexOf(renderer) == 5 ? new Object[] {args[0], 42L}
                        : new Object[] {"t", args[0], args[1], 3};
            }
            String text = renderer.render(args, null);
            CacheKey probe = renderer.key(S, args);
            assertEquals(text.hashCode(), probe.hashCode(), text);
            assertEquals(CacheKey.of(S, text), probe, text);
            assertEquals(probe, CacheKey.of(S, text), text);
            CacheKey kept = probe.stable();
            assertEquals(text, kept.text());
            assertEquals(text.hashCode(), kept.hashCode(), text);
            assertEquals(kept, renderer.key(S, args), text);
            assertEquals(renderer.key(S, args), kept, text);
            assertEquals(CacheKey.of(S, text), kept, text);
        }
    }

    /** Containers and element classes differ, texts decide: {@code [1, "1"]} is the key of {@code long[]{1, 1}}. */
    @Test
    void keysOfCollectionsAreEqualExactlyWhenTheirTextsAre() {
        SplittableRandom random = new SplittableRandom(5);
        KeyRenderer renderer = renderer("ids:{0}", Object.class);
        List<Object> sequences = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            sequences.add(sequence(random, POOL.subList(0, 6)));
        }
        sequences.addAll(List.of(new long[] {1, 1}, Arrays.asList(1, "1"), new int[0], List.of(), new Object[] {null},
                Arrays.asList((Object) null), new String[] {"\\~"}, List.of(""), new String[] {"\\[]"}));
        int equalPairs = 0;
        for (Object a : sequences) {
            CacheKey kept = renderer.key(S, new Object[] {a}).stable();
            for (Object b : sequences) {
                boolean sameText = renderer.render(new Object[] {a}, null).equals(renderer.render(new Object[] {b}, null));
                CacheKey probe = renderer.key(S, new Object[] {b});
                assertEquals(sameText, kept.equals(probe), kept.text() + " / " + probe.text());
                assertEquals(sameText, probe.equals(kept), probe.text() + " / " + kept.text());
                assertEquals(sameText, kept.equals(probe.stable()), kept.text() + " / " + probe.text());
                equalPairs += sameText && a != b ? 1 : 0;
            }
        }
        assertNotEquals(0, equalPairs, "some different collections render one text");
        assertEquals(renderer.key(S, new Object[] {new long[] {1, 1}}).stable(),
                renderer.key(S, new Object[] {Arrays.asList(1, "1")}));
        assertNotEquals(renderer.key(S, new Object[] {List.of()}).stable(),
                renderer.key(S, new Object[] {List.of("")}));
        assertNotEquals(renderer.key(S, new Object[] {Arrays.asList((Object) null)}).stable(),
                renderer.key(S, new Object[] {List.of("null")}));
    }

    /**
     * Pairs of different texts of one hash reach the comparison of elements, which must tell them apart: {@code Aa}
     * and {@code BB}, {@code 10} and {@code 0O}, {@code \[]} (empty) and {@code ]<]}, {@code \~} (a null) and {@code ]_}.
     */
    @Test
    void collectionsOfTextsOfOneHashAreDifferent() {
        KeyRenderer renderer = renderer("ids:{0}", Object.class);
        List<List<Object>> pairs = List.of(List.of(List.of("Aa"), List.of("BB")), List.of(List.of(10L), List.of("0O")),
                List.of(new long[] {10}, new String[] {"0O"}), List.of(new int[0], List.of("]<]")),
                List.of(List.of(), new Object[] {"]<]"}), List.of(Arrays.asList((Object) null), List.of("]_")),
                List.of(List.of(1, "Aa"), new Object[] {1L, "BB"}));
        for (List<Object> pair : pairs) {
            CacheKey first = renderer.key(S, new Object[] {pair.get(0)}).stable();
            CacheKey second = renderer.key(S, new Object[] {pair.get(1)});
            assertEquals(first.hashCode(), second.hashCode(), first.text() + " / " + second.text());
            assertNotEquals(first, second, first.text() + " / " + second.text());
            assertNotEquals(second, first, second.text() + " / " + first.text());
            assertNotEquals(first, second.stable(), first.text() + " / " + second.text());
        }
    }

    @Test
    void aKeptKeyKeepsItsElementsWhenTheCallerChangesItsCollection() {
        KeyRenderer renderer = renderer("ids:{0}:{1}", List.class, long[].class);
        List<Long> ids = new ArrayList<>(List.of(1L, 2L));
        long[] more = {3, 4};
        CacheKey kept = renderer.key(S, new Object[] {ids, more}).stable();
        ids.set(1, 9L);
        more[0] = 8;
        assertEquals("ids:1,2:3,4", kept.text());
        assertEquals(CacheKey.of(S, "ids:1,2:3,4"), kept);
        assertEquals(kept, renderer.key(S, new Object[] {List.of(1L, 2L), new long[] {3, 4}}));
        assertNotEquals(kept, renderer.key(S, new Object[] {ids, more}));
    }

    /**
     * A described value is held as the caller's collection (a hit builds no text), so only the JDK's collections that
     * refer to nothing but their elements are; anything else is rendered.
     */
    @Test
    void onlyCollectionsOfTheJdkWithScalarElementsAreDescribed() throws ReflectiveOperationException {
        Field composer = CacheKey.class.getDeclaredField("composer");
        composer.setAccessible(true);
        KeyRenderer renderer = renderer("ids:{0}", List.class);
        for (Object described : List.of(List.of(1L, 2L), new ArrayList<>(List.of("a:b", "c")), new LinkedList<>(List.of(1)),
                Arrays.asList(null, 1.5), List.of(), List.of(7L), Set.of(1L, 2L, 3L), Collections.singletonList(1L),
                Collections.emptyList(), new ArrayDeque<>(List.of(1L)), new CopyOnWriteArrayList<>(List.of(1L)),
                new LinkedHashSet<>(List.of("x")))) {
            assertNotNull(composer.get(renderer.key(S, new Object[] {described})), described.toString());
        }
        List<Long> ownList = new AbstractList<>() {
            @Override
            public Long get(int index) {
                return 5L;
            }

            @Override
            public int size() {
                return 2;
            }
        };
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i <= Elements.MAX_ELEMENTS; i++) {
            tooMany.add(i);
        }
        // a JDK wrapper of the application's list, a JDK set holding the application's comparator: they would keep
        // the application's classes in the thread's probe
        TreeSet<Long> ordered = new TreeSet<>(new Comparator<Long>() {
            @Override
            public int compare(Long a, Long b) {
                return Long.compare(b, a);
            }
        });
        ordered.addAll(List.of(1L, 2L));
        for (Object rendered : List.of(Collections.unmodifiableList(ownList), ordered, List.of(TimeUnit.SECONDS), ownList,
                List.of(List.of(1)), tooMany,
                List.of("s".repeat(Elements.MAX_STRING + 1)), List.of(new int[] {1}))) {
            CacheKey key = renderer.key(S, new Object[] {rendered});
            assertNull(composer.get(key), "rendered, not described: " + key.text());
            assertEquals(CacheKey.of(S, renderer.render(new Object[] {rendered}, null)), key);
        }
        assertEquals("ids:5,5", renderer.key(S, new Object[] {ownList}).text());
    }
}
