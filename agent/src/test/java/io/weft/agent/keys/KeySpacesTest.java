package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeySpacesTest {

    private static final String BOOK = "com.example.Book";
    private static final String BOOKS = "java.util.List";

    private static boolean overlap(String a, String b) {
        return KeySpaces.intersect(KeySpaces.glob(Template.parse(a)), KeySpaces.glob(Template.parse(b)));
    }

    @Test
    void overlappingKeysWithDifferentValueTypesAreRejectedNamingTheOtherOwner() {
        KeySpaces spaces = new KeySpaces();
        spaces.claim(Template.parse("storybook:{id}"), BOOK, "BookRepo#find", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spaces.claim(Template.parse("storybook:{userId}"), BOOKS, "BookRepo#list", null));
        assertTrue(e.getMessage().contains("BookRepo#find"), e.getMessage());
        assertTrue(e.getMessage().contains(BOOK) && e.getMessage().contains(BOOKS), e.getMessage());
        assertTrue(e.getMessage().contains("storybook:{userId}"), e.getMessage());
    }

    @Test
    void identicalTemplatesWithDifferentValueTypesAreRejected() {
        KeySpaces spaces = new KeySpaces();
        spaces.claim(Template.parse("a:{x}"), BOOK, "A#a", null);
        assertThrows(IllegalArgumentException.class, () -> spaces.claim(Template.parse("a:{y}"), BOOKS, "B#b", null));
    }

    @Test
    void bookAndBooksPrefixesDoNotOverlap() {
        KeySpaces spaces = new KeySpaces();
        spaces.claim(Template.parse("storybook:book:{id}"), BOOK, "BookRepo#find", null);
        assertDoesNotThrow(() -> spaces.claim(Template.parse("storybook:books:{id}"), BOOKS, "BookRepo#list", null));
    }

    @Test
    void placeholderCannotSpanAColonSoDeeperKeysDoNotOverlap() {
        KeySpaces spaces = new KeySpaces();
        spaces.claim(Template.parse("a:{x}"), BOOK, "A#a", null);
        assertDoesNotThrow(() -> spaces.claim(Template.parse("a:{y}:b"), BOOKS, "B#b", null));
    }

    @Test
    void sameValueTypeMayShareAKeySpace() {
        KeySpaces spaces = new KeySpaces();
        spaces.claim(Template.parse("storybook:books:{userId}"), BOOKS, "BookRepo#list", null);
        assertDoesNotThrow(() -> spaces.claim(Template.parse("storybook:books:{0}"), BOOKS, "LegacyRepo#list", null));
    }

    @Test
    void sameOwnerClaimingAgainDoesNotConflictWithItself() {
        KeySpaces spaces = new KeySpaces();
        spaces.claim(Template.parse("a:{x}"), BOOK, "A#a", null);
        assertDoesNotThrow(() -> spaces.claim(Template.parse("a:{x}"), BOOKS, "A#a", null));
    }

    @Test
    void conflictIsFoundAgainstAnyEarlierClaimNotJustTheLast() {
        KeySpaces spaces = new KeySpaces();
        spaces.claim(Template.parse("x:{id}"), BOOK, "X#x", null);
        spaces.claim(Template.parse("y:{id}"), BOOKS, "Y#y", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spaces.claim(Template.parse("x:{other}"), BOOKS, "Z#z", null));
        assertTrue(e.getMessage().contains("X#x"), e.getMessage());
    }

    @Test
    void rejectedClaimIsNotRecorded() {
        KeySpaces spaces = new KeySpaces();
        spaces.claim(Template.parse("a:{x}"), BOOK, "A#a", null);
        assertThrows(IllegalArgumentException.class, () -> spaces.claim(Template.parse("a:{x}"), BOOKS, "B#b", null));
        // B's space was not recorded, so a third method caching List elsewhere under a:… only conflicts with A
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spaces.claim(Template.parse("a:{z}"), "java.util.Map", "C#c", null));
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
            spaces.claim(Template.parse("a:{x}"), BOOK, "A#a", application);
            assertDoesNotThrow(() -> spaces.claim(Template.parse("a:{y}"), BOOKS, "B#b", null));
            assertThrows(IllegalArgumentException.class, () -> spaces.claim(Template.parse("a:{z}"), BOOKS, "C#c",
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
    void globsIntersectWhenSomeKeyMatchesBoth(String a, String b, boolean expected) {
        assertEquals(expected, overlap(a, b), a + " vs " + b);
        assertEquals(expected, overlap(b, a), "symmetric: " + b + " vs " + a);
    }
}
