package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeySpacesTest {

    private static final String BOOK = "com.example.Book";
    private static final String BOOKS = "java.util.List";

    private static boolean overlap(String a, String b) {
        return overlap(a, String.class, b, String.class);
    }

    /** Whether the keys of {@code a}, whose placeholders read values of {@code aType}, and of {@code b} meet. */
    private static boolean overlap(String a, Class<?> aType, String b, Class<?> bType) {
        return pattern(a, aType).intersects(pattern(b, bType));
    }

    private static KeyPattern pattern(String template, Class<?> type) {
        Template parsed = Template.parse(template);
        return KeyPattern.of(parsed, signature(parsed, type));
    }

    /** A method with one parameter of {@code type} per name that {@code template}'s placeholders use. */
    private static Signature signature(Template template, Class<?> type) {
        List<Object> parameters = new ArrayList<>();
        for (Template.Placeholder placeholder : template.placeholders()) {
            if (!parameters.contains(placeholder.root())) {
                parameters.add(placeholder.root());
                parameters.add(type);
            }
        }
        return FakeSignature.named(Object.class, parameters.toArray());
    }

    /** Claims {@code template} for a method whose parameters are strings. */
    private static void claim(KeySpaces spaces, String template, String valueType, String owner, ClassLoader loader) {
        Template parsed = Template.parse(template);
        spaces.claim(parsed, signature(parsed, String.class), valueType, owner, loader);
    }

    @Test
    void overlappingKeysWithDifferentValueTypesAreRejectedNamingTheOtherOwner() {
        KeySpaces spaces = new KeySpaces();
        claim(spaces, "storybook:{id}", BOOK, "BookRepo#find", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> claim(spaces, "storybook:{userId}", BOOKS, "BookRepo#list", null));
        assertTrue(e.getMessage().contains("BookRepo#find"), e.getMessage());
        assertTrue(e.getMessage().contains(BOOK) && e.getMessage().contains(BOOKS), e.getMessage());
        assertTrue(e.getMessage().contains("storybook:{userId}"), e.getMessage());
    }

    @Test
    void identicalTemplatesWithDifferentValueTypesAreRejected() {
        KeySpaces spaces = new KeySpaces();
        claim(spaces, "a:{x}", BOOK, "A#a", null);
        assertThrows(IllegalArgumentException.class, () -> claim(spaces, "a:{y}", BOOKS, "B#b", null));
    }

    @Test
    void bookAndBooksPrefixesDoNotOverlap() {
        KeySpaces spaces = new KeySpaces();
        claim(spaces, "storybook:book:{id}", BOOK, "BookRepo#find", null);
        assertDoesNotThrow(() -> claim(spaces, "storybook:books:{id}", BOOKS, "BookRepo#list", null));
    }

    @Test
    void placeholderCannotSpanAColonSoDeeperKeysDoNotOverlap() {
        KeySpaces spaces = new KeySpaces();
        claim(spaces, "a:{x}", BOOK, "A#a", null);
        assertDoesNotThrow(() -> claim(spaces, "a:{y}:b", BOOKS, "B#b", null));
    }

    @Test
    void sameValueTypeMayShareAKeySpace() {
        KeySpaces spaces = new KeySpaces();
        claim(spaces, "storybook:books:{userId}", BOOKS, "BookRepo#list", null);
        assertDoesNotThrow(() -> claim(spaces, "storybook:books:{0}", BOOKS, "LegacyRepo#list", null));
    }

    @Test
    void sameOwnerClaimingAgainDoesNotConflictWithItself() {
        KeySpaces spaces = new KeySpaces();
        claim(spaces, "a:{x}", BOOK, "A#a", null);
        assertDoesNotThrow(() -> claim(spaces, "a:{x}", BOOKS, "A#a", null));
    }

    @Test
    void conflictIsFoundAgainstAnyEarlierClaimNotJustTheLast() {
        KeySpaces spaces = new KeySpaces();
        claim(spaces, "x:{id}", BOOK, "X#x", null);
        claim(spaces, "y:{id}", BOOKS, "Y#y", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> claim(spaces, "x:{other}", BOOKS, "Z#z", null));
        assertTrue(e.getMessage().contains("X#x"), e.getMessage());
    }

    @Test
    void rejectedClaimIsNotRecorded() {
        KeySpaces spaces = new KeySpaces();
        claim(spaces, "a:{x}", BOOK, "A#a", null);
        assertThrows(IllegalArgumentException.class, () -> claim(spaces, "a:{x}", BOOKS, "B#b", null));
        // B's space was not recorded, so a third method caching List elsewhere under a:… only conflicts with A
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> claim(spaces, "a:{z}", "java.util.Map", "C#c", null));
        assertTrue(e.getMessage().contains("A#a"), e.getMessage());
    }

    /**
     * SPEC §10: methods of different loaders (two applications, or a version and its redeploy) never conflict: L1
     * keeps them apart and Redis values are decoded into the reader's type. A collected loader's records are dropped.
     */
    @Test
    void methodsOfDifferentLoadersNeverConflictAndACollectedLoadersClaimsAreForgotten() throws Exception {
        KeySpaces spaces = new KeySpaces();
        WeakReference<ClassLoader> undeployed = claimedInAnApplication(spaces);
        assertEquals(2, spaces.size());
        Await.until("the application's loader is collected", () -> {
            System.gc();
            return undeployed.get() == null;
        });
        assertEquals(1, spaces.size());
    }

    private static WeakReference<ClassLoader> claimedInAnApplication(KeySpaces spaces) throws Exception {
        try (URLClassLoader application = new URLClassLoader(new URL[0], null)) {
            claim(spaces, "a:{x}", BOOK, "A#a", application);
            assertDoesNotThrow(() -> claim(spaces, "a:{y}", BOOKS, "B#b", null));
            assertThrows(IllegalArgumentException.class, () -> claim(spaces, "a:{z}", BOOKS, "C#c",
                    application), "within one loader the spaces still conflict");
            return new WeakReference<>(application);
        }
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "{x}|a:b|false",
        "{x}:b|a:{y}|true",
        "a:b|a:{x}|true",
        "a:|a:{x}|true",
        "a:{x}|a:{y}:b|false",
        "storybook:book:{id}|storybook:books:{id}|false",
        "storybook:books:{id}|storybook:books|false",
        "k:{x},{y}|k:{z}|true",
        "k:{x}-v1|k:{y}-v2|false",
        "k:{x}-v1|k:{y}|true",
        "u:{a}:p:{b}|u:{c}:q:{d}|false",
        "u:{a}:p:{b}|u:p:p:{c}|true",
        "{a}|{b}|true",
        "fixed|fixed|true",
        "fixed|fixed2|false",
        "{{x}}:{y}|{{x}}:1|true",
    })
    void patternsIntersectWhenSomeKeyMatchesBoth(String a, String b, boolean expected) {
        assertEquals(expected, overlap(a, b), a + " vs " + b);
        assertEquals(expected, overlap(b, a), "symmetric: " + b + " vs " + a);
    }

    /**
     * A placeholder renders what its parameter's declared type can: a {@code long}, {@code int}, {@code short} or
     * {@code byte} at least one of {@code -} and digits, a {@code boolean} {@code true} or {@code false}, a UUID
     * lowercase hex digits and {@code -}, a boxed one (a UUID too) also {@code null}; a string, a property path and
     * any other type any text without an unescaped {@code :}. Before, every placeholder counted as any text, so
     * {@code product:{id}} of a {@code long} and {@code product:all} overlapped.
     */
    @ParameterizedTest(name = "{0} of {1} vs {2} of {3} -> {4}")
    @CsvSource(delimiter = '|', value = {
        "product:{id}|long|product:all|java.lang.String|false",
        "product:{id}|long|product:-42|java.lang.String|true",
        "product:{id}|long|product:null|java.lang.String|false",
        "product:{id}|long|product:|java.lang.String|false",
        "product:{id}|long|product:{x}|java.lang.String|true",
        "product:{id}|long|product:{x}|boolean|false",
        "product:{id}|java.lang.Long|product:null|java.lang.String|true",
        "product:{id}|java.lang.Long|product:{x}|java.lang.Boolean|true",
        "product:{id}|int|product:all|java.lang.String|false",
        "product:{id}|short|product:1,2|java.lang.String|false",
        "product:{id}|byte|product:-{x}|byte|true",
        "product:{id}|java.lang.String|product:all|java.lang.String|true",
        "product:{id}|java.util.UUID|product:all|java.lang.String|false",
        "product:{id}|java.util.UUID|product:null|java.lang.String|true",
        "user:{id}|java.util.UUID|user:3f2a9c1e-0b7d-4e21-9a55-a1b2c3d4e5f6|java.lang.String|true",
        "flag:{on}|boolean|flag:yes|java.lang.String|false",
        "flag:{on}|boolean|flag:null|java.lang.String|false",
        "flag:{on}|java.lang.Boolean|flag:null|java.lang.String|true",
        "k:{a}:{b}|long|k:1:x|java.lang.String|false",
        "k:{a}:{b}|long|k:1:{x}|java.lang.String|true",
        "k:{a}:v|long|k:{x}|java.lang.String|false",
        "user:{id.name}|java.util.UUID|user:all|java.lang.String|true",
        "user:{ids[*]}|[J|user:all|java.lang.String|true",
        "e:{kind}|java.time.DayOfWeek|e:all|java.lang.String|true",
    })
    void aPlaceholderRendersWhatItsParametersTypeCan(String a, Class<?> aType, String b, Class<?> bType,
            boolean expected) {
        assertEquals(expected, overlap(a, aType, b, bType), a + " vs " + b);
        assertEquals(expected, overlap(b, bType, a, aType), "symmetric: " + b + " vs " + a);
    }

    /** A placeholder's type decides whether two methods of different value types may both be woven. */
    @Test
    void aLongsKeysAndAFixedWordDoNotConflictButABoxedLongsAndNullDo() {
        KeySpaces spaces = new KeySpaces();
        Template product = Template.parse("product:{id}");
        spaces.claim(product, FakeSignature.named(String.class, "id", long.class), "java.lang.String", "App#product",
                null);
        assertDoesNotThrow(() -> claim(spaces, "product:all", BOOKS, "App#all", null));
        Template boxed = Template.parse("boxed:{id}");
        spaces.claim(boxed, FakeSignature.named(String.class, "id", Long.class), "java.lang.String", "App#boxed", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> claim(spaces, "boxed:null", BOOKS, "App#none", null));
        assertTrue(e.getMessage().contains("App#boxed"), e.getMessage());
    }

    /**
     * A string renders a {@code :} escaped, right after a {@code \}: {@code k:{x}} renders {@code k:a\:b} for
     * {@code "a:b"}, which a template may spell out. Before, a placeholder could hold no {@code :} at all, and the two
     * did not overlap.
     */
    @Test
    void aPlaceholderOfAnyTextHoldsAColonRightAfterABackslash() {
        KeyRenderer x = TemplateBinder.bind(Template.parse("k:{x}"), FakeSignature.named(String.class, "x",
                String.class), false);
        assertEquals("k:a\\:b", x.render(new Object[] {"a:b"}, null));
        assertTrue(overlap("k:{x}", "k:a\\:b"));
        assertTrue(overlap("k:a\\:b", "k:{x}"));
        assertFalse(overlap("k:{x}", "k:a:b"));
        assertFalse(overlap("k:{x}", long.class, "k:1\\:2", String.class));
    }

    /** Types of placeholders, and values of each, among them those whose texts are alike. */
    private static final Map<Class<?>, List<Object>> VALUES = new LinkedHashMap<>();

    static {
        VALUES.put(long.class, List.of(0L, 7L, -1L, 42L, Long.MIN_VALUE));
        VALUES.put(Long.class, Arrays.asList(7L, -42L, null));
        VALUES.put(int.class, List.of(0, 1, -7));
        VALUES.put(short.class, List.of((short) 4, (short) -1));
        VALUES.put(Byte.class, Arrays.asList((byte) 1, null));
        VALUES.put(boolean.class, List.of(true, false));
        VALUES.put(Boolean.class, Arrays.asList(false, null));
        VALUES.put(UUID.class, Arrays.asList(UUID.fromString("00000000-0000-0000-0000-000000000042"),
                UUID.fromString("3f2a9c1e-0b7d-4e21-9a55-a1b2c3d4e5f6"), null));
        VALUES.put(String.class, Arrays.asList("", "a", "all", "null", "7", "-1", "true", "a:b", "\\", "a\\", ":",
                ",", "1,2", "00000000-0000-0000-0000-000000000042", null));
        VALUES.put(List.class, Arrays.asList(List.of(), List.of("a", "b"), List.of(7L), Arrays.asList("x", null),
                List.of("a:b"), null));
    }

    private static final String[] LITERALS = {":", ":", "a", "all", "null", "7", "-", "\\", ",", "0a", "true"};

    /**
     * Soundness: whenever two templates, whose placeholders read values of random types, render one key for some
     * arguments, their patterns intersect. Random templates of literals that matter (separators, the escape, digits,
     * words a placeholder renders) and up to two placeholders, each rendered for every combination of its values.
     */
    @Test
    void neverMissesAKeyThatBothTemplatesRender() {
        SplittableRandom random = new SplittableRandom(17);
        List<Class<?>> types = new ArrayList<>(VALUES.keySet());
        int shared = 0;
        int apart = 0;
        for (int n = 0; n < 40_000; n++) {
            Bound a = randomTemplate(random, types);
            Bound b = randomTemplate(random, types);
            if (a == null || b == null) {
                continue;
            }
            Set<String> common = new HashSet<>(a.keys());
            common.retainAll(b.keys());
            boolean intersect = KeyPattern.of(a.template, a.signature).intersects(KeyPattern.of(b.template,
                    b.signature));
            assertTrue(common.isEmpty() || intersect, a + " and " + b + " both render " + common);
            shared += common.isEmpty() ? 0 : 1;
            apart += intersect ? 0 : 1;
        }
        assertTrue(shared > 1_000 && apart > 1_000, "pairs sharing keys: " + shared + ", found apart: " + apart);
    }

    /** A random template bound to a method with a parameter of a random type per placeholder, or null if invalid. */
    private static Bound randomTemplate(SplittableRandom random, List<Class<?>> types) {
        StringBuilder text = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        int placeholders = random.nextInt(3);
        for (int p = 0; p <= placeholders; p++) {
            if (p > 0) {
                text.append("{p").append(p).append('}');
                parameters.add("p" + p);
                parameters.add(types.get(random.nextInt(types.size())));
            }
            for (int i = random.nextInt(2); i > 0; i--) {
                text.append(LITERALS[random.nextInt(LITERALS.length)]);
            }
        }
        try {
            Template template = Template.parse(text.toString());
            return new Bound(template, FakeSignature.named(Object.class, parameters.toArray()));
        } catch (IllegalArgumentException e) {
            return null; // two placeholders not separated by ':' or ','
        }
    }

    /** A template and the method it is bound to. */
    private static final class Bound {
        final Template template;
        final FakeSignature signature;

        Bound(Template template, FakeSignature signature) {
            this.template = template;
            this.signature = signature;
        }

        /** Every key it renders for the values of its parameters' types. */
        Set<String> keys() {
            KeyRenderer renderer = TemplateBinder.bind(template, signature, false);
            Set<String> keys = new HashSet<>();
            List<Object[]> calls = new ArrayList<>();
            calls.add(new Object[signature.parameterCount()]);
            for (int p = 0; p < signature.parameterCount(); p++) {
                List<Object[]> next = new ArrayList<>();
                for (Object[] call : calls) {
                    for (Object value : values(signature.parameterType(p))) {
                        Object[] args = call.clone();
                        args[p] = value;
                        next.add(args);
                    }
                }
                calls = next;
            }
            for (Object[] args : calls) {
                keys.add(renderer.render(args, null));
            }
            return keys;
        }

        private static List<Object> values(String typeName) {
            for (Map.Entry<Class<?>, List<Object>> entry : VALUES.entrySet()) {
                if (entry.getKey().getName().equals(typeName)) {
                    return entry.getValue();
                }
            }
            throw new IllegalArgumentException(typeName);
        }

        @Override
        public String toString() {
            List<String> types = new ArrayList<>();
            for (int p = 0; p < signature.parameterCount(); p++) {
                types.add(signature.parameterType(p));
            }
            return "'" + template + "' of " + types;
        }
    }
}
