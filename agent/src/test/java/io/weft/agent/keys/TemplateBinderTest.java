package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TemplateBinderTest {

    private static final UUID USER = UUID.fromString("3f2a0c1e-5b7d-4e8f-9a10-112233445566");
    private static final KeyScope SCOPE = new KeyScope("test");
    private static final UUID BOOK = UUID.fromString("00000000-0000-0000-0000-0000000000b1");

    /** A parameter object read through record-style accessors {@code id()} and {@code address()}. */
    static final class User {
        private final UUID id;
        private final Address address;

        User(UUID id, Address address) {
            this.id = id;
            this.address = address;
        }

        public UUID id() {
            return id;
        }

        public Address address() {
            return address;
        }
    }

    /** Read through a private field only. */
    static final class Address {
        private final String zip;

        Address(String zip) {
            this.zip = zip;
        }
    }

    /**
     * Read through JavaBean getters, one inherited. No field has a property's name: a path that found the field instead
     * of the getter would still read the same value, and the getters would go untested.
     */
    static class Named {
        private final String label;

        Named(String name) {
            this.label = name;
        }

        public String getName() {
            return label;
        }
    }

    static final class Account extends Named {
        private final boolean enabled;
        private final int level;

        Account(String name, boolean active, int tier) {
            super(name);
            this.enabled = active;
            this.level = tier;
        }

        public boolean isActive() {
            return enabled;
        }

        private int getTier() {
            return level;
        }
    }

    /** A property read through an interface's default method. */
    interface Described {
        default String summary() {
            return "described";
        }
    }

    /** A field read through a subclass that declares a static field of its name. */
    static class Labelled {
        private final String tag;

        Labelled(String tag) {
            this.tag = tag;
        }
    }

    /**
     * Read through package-private accessors, a getter with no field of its name and an inherited field; its static
     * members and its void method are no properties.
     */
    static final class Shelf extends Labelled implements Described {
        static final String tag = "static field";
        private final int rows;
        private final String room;
        private final String floor;

        Shelf(String tag, int rows, String room, String floor) {
            super(tag);
            this.rows = rows;
            this.room = room;
            this.floor = floor;
        }

        static String room() {
            return "static method";
        }

        public static String floor() {
            return "public static method";
        }

        public void clear() {
        }

        int rows() {
            return rows;
        }

        String getRoom() {
            return room;
        }

        String location() {
            return room + "/" + rows;
        }
    }

    private static String render(String template, Signature signature, Object... args) {
        return TemplateBinder.bind(Template.parse(template), signature, false).render(args, null);
    }

    private static IllegalArgumentException bindError(String template, Signature signature, boolean allowReturn) {
        return assertThrows(IllegalArgumentException.class,
                () -> TemplateBinder.bind(Template.parse(template), signature, allowReturn));
    }

    // --- binding ------------------------------------------------------------------------------------

    @Test
    void constantTemplateRendersItsText() {
        Signature sig = FakeSignature.named(List.class);
        assertEquals("storybook:all", render("storybook:all", sig));
    }

    @Test
    void escapedBracesRenderAsSingleBraces() {
        Signature sig = FakeSignature.named(List.class, "id", int.class);
        assertEquals("{v}:7", render("{{v}}:{id}", sig, 7));
    }

    @Test
    void placeholderIsBoundByName() {
        Signature sig = FakeSignature.named(List.class, "bookId", UUID.class, "userId", UUID.class);
        assertEquals("storybook:books:" + USER, render("storybook:books:{userId}", sig, BOOK, USER));
    }

    @Test
    void placeholdersAreBoundByNameInAnyOrder() {
        Signature sig = FakeSignature.named(List.class, "bookId", UUID.class, "userId", UUID.class);
        assertEquals("u:" + USER + ":b:" + BOOK, render("u:{userId}:b:{bookId}", sig, BOOK, USER));
    }

    @Test
    void placeholderIsBoundByPositionWithoutNames() {
        Signature sig = FakeSignature.unnamed(List.class, UUID.class, UUID.class);
        assertEquals("storybook:books:" + USER, render("storybook:books:{1}", sig, BOOK, USER));
    }

    @Test
    void positionsWorkEvenWhenNamesAreKnown() {
        Signature sig = FakeSignature.named(List.class, "bookId", UUID.class, "userId", UUID.class);
        assertEquals("b:" + BOOK, render("b:{0}", sig, BOOK, USER));
    }

    @Test
    void positionPastTheLastParameterIsRejected() {
        Signature sig = FakeSignature.unnamed(List.class, UUID.class, UUID.class);
        IllegalArgumentException e = bindError("k:{2}", sig, false);
        assertTrue(e.getMessage().contains("{2}"), e.getMessage());
        assertTrue(e.getMessage().contains("2 parameter"), e.getMessage());
    }

    /** Minor: a position too large for an int escapes as a bare NumberFormatException ("For input string"). */
    @Test
    void hugePositionIsRejectedNamingTheTemplate() {
        Signature sig = FakeSignature.unnamed(List.class, UUID.class);
        IllegalArgumentException e = bindError("k:{99999999999}", sig, false);
        assertTrue(e.getMessage().contains("k:{99999999999}"), e.getMessage());
    }

    @Test
    void unknownNameIsRejectedNamingThePlaceholderAndTemplate() {
        Signature sig = FakeSignature.named(List.class, "userId", UUID.class);
        IllegalArgumentException e = bindError("storybook:books:{usrId}", sig, false);
        assertTrue(e.getMessage().contains("storybook:books:{usrId}"), e.getMessage());
        assertTrue(e.getMessage().contains("{usrId}"), e.getMessage());
        assertTrue(e.getMessage().contains("names no parameter"), e.getMessage());
    }

    @Test
    void nameOnAMethodWithoutParametersNamesNoParameter() {
        Signature sig = FakeSignature.named(List.class);
        IllegalArgumentException e = bindError("k:{id}", sig, false);
        assertTrue(e.getMessage().contains("names no parameter"), e.getMessage());
    }

    @Test
    void nameInAClassWithoutParameterNamesSuggestsPositions() {
        Signature sig = FakeSignature.unnamed(List.class, UUID.class);
        IllegalArgumentException e = bindError("storybook:books:{userId}", sig, false);
        assertTrue(e.getMessage().contains("{userId}"), e.getMessage());
        assertTrue(e.getMessage().contains("without parameter names"), e.getMessage());
        assertTrue(e.getMessage().contains("positions") && e.getMessage().contains("{0}"), e.getMessage());
    }

    // --- {return} -----------------------------------------------------------------------------------

    @Test
    void returnIsRefusedWhereNotAllowed() {
        Signature sig = FakeSignature.named(User.class, "id", UUID.class);
        IllegalArgumentException e = bindError("storybook:books:{return.id}", sig, false);
        assertTrue(e.getMessage().contains("{return.id}"), e.getMessage());
        assertTrue(e.getMessage().contains("@InvalidateCache"), e.getMessage());
    }

    @Test
    void returnOfAVoidMethodIsRefused() {
        Signature sig = FakeSignature.named(void.class, "id", UUID.class);
        IllegalArgumentException e = bindError("k:{return}", sig, true);
        assertTrue(e.getMessage().contains("void"), e.getMessage());
    }

    @Test
    void returnRendersTheResultWhenAllowed() {
        Signature sig = FakeSignature.named(UUID.class);
        KeyRenderer r = TemplateBinder.bind(Template.parse("k:{return}"), sig, true);
        assertEquals("k:" + USER, r.render(new Object[0], USER));
    }

    @Test
    void returnPathIsReadFromTheResultAndCheckedAgainstTheReturnType() {
        FakeSignature sig = FakeSignature.named(User.class, "name", String.class);
        KeyRenderer r = TemplateBinder.bind(Template.parse("storybook:books:{return.id}"), sig, true);
        assertEquals("storybook:books:" + USER, r.render(new Object[] {"n"}, new User(USER, null)));
        assertEquals(List.of(User.class.getName() + ":id"), sig.checkedPaths);
    }

    @Test
    void nullResultRendersNull() {
        Signature sig = FakeSignature.named(User.class);
        KeyRenderer r = TemplateBinder.bind(Template.parse("k:{return.id}"), sig, true);
        assertEquals("k:null", r.render(new Object[0], null));
    }

    // --- property paths -----------------------------------------------------------------------------

    @Test
    void pathIsCheckedAgainstTheParameterDeclaredType() {
        FakeSignature sig = FakeSignature.named(List.class, "n", int.class, "user", User.class);
        TemplateBinder.bind(Template.parse("k:{user.address.zip}"), sig, false);
        assertEquals(List.of(User.class.getName() + ":address.zip"), sig.checkedPaths);
    }

    @Test
    void pathReadsARecordStyleAccessor() {
        Signature sig = FakeSignature.named(List.class, "user", User.class);
        assertEquals("u:" + USER, render("u:{user.id}", sig, new User(USER, null)));
    }

    @Test
    void pathReadsThroughAccessorThenPrivateField() {
        Signature sig = FakeSignature.named(List.class, "user", User.class);
        assertEquals("zip:75001", render("zip:{user.address.zip}", sig, new User(USER, new Address("75001"))));
    }

    @Test
    void pathReadsInheritedGetter() {
        Signature sig = FakeSignature.named(List.class, "account", Account.class);
        assertEquals("a:ann", render("a:{account.name}", sig, new Account("ann", true, 2)));
    }

    @Test
    void pathReadsBooleanIsGetter() {
        Signature sig = FakeSignature.named(List.class, "account", Account.class);
        assertEquals("a:true", render("a:{account.active}", sig, new Account("ann", true, 2)));
    }

    @Test
    void pathReadsPrivateGetterReturningAPrimitive() {
        Signature sig = FakeSignature.named(List.class, "account", Account.class);
        assertEquals("a:2", render("a:{account.tier}", sig, new Account("ann", true, 2)));
    }

    @Test
    void pathValueIsEscapedLikeAnyValue() {
        Signature sig = FakeSignature.named(List.class, "account", Account.class);
        assertEquals("a:x\\:y", render("a:{account.name}", sig, new Account("x:y", true, 2)));
    }

    @Test
    void nullInTheMiddleOfAPathRendersNull() {
        Signature sig = FakeSignature.named(List.class, "user", User.class);
        assertEquals("zip:null", render("zip:{user.address.zip}", sig, new User(USER, null)));
    }

    @Test
    void nullRootOfAPathRendersNull() {
        Signature sig = FakeSignature.named(List.class, "user", User.class);
        assertEquals("zip:null:end", render("zip:{user.address.zip}:end", sig, (Object) null));
    }

    @Test
    void pathOnAPositionalPlaceholder() {
        Signature sig = FakeSignature.unnamed(List.class, String.class, User.class);
        assertEquals("u:" + USER, render("u:{1.id}", sig, "x", new User(USER, null)));
    }

    @Test
    void missingPropertyFailsAtRenderTimeNamingThePath() {
        Signature sig = FakeSignature.named(List.class, "user", User.class);
        KeyRenderer r = TemplateBinder.bind(Template.parse("u:{user.nope}"), sig, false);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> r.render(new Object[] {new User(USER, null)}, null));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void pathReadsTheNamedPropertyAmongPackagePrivateAccessorsAndSkipsStaticAndVoidMembers() {
        Signature sig = FakeSignature.named(List.class, "shelf", Shelf.class);
        Shelf shelf = new Shelf("t", 3, "attic", "f2");
        assertEquals("s:3:attic:attic/3", render("s:{shelf.rows}:{shelf.room}:{shelf.location}", sig, shelf));
        assertEquals("s:t:f2", render("s:{shelf.tag}:{shelf.floor}", sig, shelf), "instance fields, not static members");
        assertEquals("s:described", render("s:{shelf.summary}", sig, shelf));
        KeyRenderer clear = TemplateBinder.bind(Template.parse("s:{shelf.clear}"), sig, false);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> clear.render(new Object[] {shelf}, null));
        assertTrue(e.getMessage().contains("clear"), e.getMessage());
    }

    /**
     * A method of up to three parameters passes its arguments one by one: the key of a path, and of a template of more
     * placeholders than the key holds values, is read from them as from the array.
     */
    @Test
    void pathsAreReadFromArgumentsPassedOneByOne() {
        Signature sig = FakeSignature.named(List.class, "n", String.class, "user", User.class, "m", String.class);
        User user = new User(USER, new Address("75001"));
        KeyRenderer three = TemplateBinder.bind(Template.parse("u:{n}:{user.id}:{user.address.zip}"), sig, false);
        String text = "u:a:" + USER + ":75001";
        assertEquals(text, three.key(SCOPE, "a", user, "z", 0, 0, 0).text());
        assertEquals(CacheKey.of(SCOPE, text), three.key(SCOPE, "a", user, "z", 0, 0, 0));
        assertEquals(CacheKey.of(SCOPE, text), three.key(SCOPE, new Object[] {"a", user, "z"}));

        KeyRenderer four = TemplateBinder.bind(Template.parse("u:{n}:{user.id}:{user.address.zip}:{m}"), sig, false);
        CacheKey first = four.key(SCOPE, "a", user, "1", 0, 0, 0).stable();
        assertEquals(text + ":1", first.text());
        assertNotEquals(first, four.key(SCOPE, "a", user, "2", 0, 0, 0), "the fourth value is in the key");
        assertEquals(first, four.key(SCOPE, new Object[] {"a", user, "1"}));

        KeyRenderer length = TemplateBinder.bind(Template.parse("n:{n.length}"), sig, false);
        assertEquals(CacheKey.of(SCOPE, "n:3"), length.key(SCOPE, "abc", user, "z", 0, 0, 0), "a path read from a string");
    }

    // --- multi-placeholder templates ----------------------------------------------------------------

    @Test
    void valuesThatShiftAColonAcrossPlaceholdersRenderDifferently() {
        Signature sig = FakeSignature.named(List.class, "x", String.class, "y", String.class);
        String first = render("a:{x}:{y}", sig, "1:2", "3");
        String second = render("a:{x}:{y}", sig, "1", "2:3");
        assertNotEquals(first, second);
        assertEquals("a:1\\:2:3", first);
        assertEquals("a:1:2\\:3", second);
    }

    @Test
    void listsThatShiftAnElementAcrossPlaceholdersRenderDifferently() {
        Signature sig = FakeSignature.named(List.class, "x", List.class, "y", List.class);
        assertNotEquals(render("a:{x}:{y}", sig, List.of("1", "2"), List.of("3")),
                render("a:{x}:{y}", sig, List.of("1"), List.of("2", "3")));
    }

    @Test
    void nullAndTheStringNullRenderDifferentlyInAMultiPlaceholderTemplate() {
        Signature sig = FakeSignature.named(List.class, "x", String.class, "y", String.class);
        assertNotEquals(render("a:{x}:{y}", sig, null, "b"), render("a:{x}:{y}", sig, "null", "b"));
    }

    @Test
    void singlePlaceholderAfterLiteralAndGeneralShapeRenderAlike() {
        Signature sig = FakeSignature.named(List.class, "x", List.class);
        List<String> value = List.of("p:q", "r");
        assertEquals("k:p\\:q,r", render("k:{x}", sig, value));
        assertEquals("k:p\\:q,r:end", render("k:{x}:end", sig, value));
    }

    /**
     * BUG (SPEC §3/§8): only ':' is safe between two placeholders. With any other literal between them
     * (or none) a character can move from one value to the next and two argument lists share a key.
     */
    @Test
    void placeholdersNotSeparatedByAColonAreRejectedBecauseTheyCouldCollide() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Template.parse("person:{first}-{last}"));
        assertTrue(e.getMessage().contains("{first} and {last}"), e.getMessage());
    }

    /**
     * SPEC §3/§8: a separator that the template escapes ({@code \:}, {@code \,}) reads like a value's own escaped
     * {@code :}, so {@code ("p:q", "r")} and {@code ("p", "q:r")} would both render {@code e:p\:q\:r}.
     */
    @Test
    void aSeparatorEscapedByTheTemplateDoesNotSeparate() {
        for (String template : List.of("e:{a}\\:{b}", "e:{a}\\,{b}", "e:{a}-\\:{b}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Template.parse(template));
            assertTrue(e.getMessage().contains("{a} and {b}"), e.getMessage());
        }
    }

    @Test
    void aSeparatorAfterAnEscapedBackslashSeparates() {
        Signature sig = FakeSignature.named(List.class, "a", String.class, "b", String.class);
        assertNotEquals(render("e:{a}\\\\:{b}", sig, "p:q", "r"), render("e:{a}\\\\:{b}", sig, "p", "q:r"));
        assertNotEquals(render("e:{a}\\-:{b}", sig, "p:q", "r"), render("e:{a}\\-:{b}", sig, "p", "q:r"));
    }

    @Test
    void placeholdersSeparatedByAColonNeverShareAKeyForDifferentArguments() {
        Signature sig = FakeSignature.named(List.class, "first", String.class, "last", String.class);
        assertNotEquals(render("person:{first}:{last}", sig, "mary:ann", "lee"),
                render("person:{first}:{last}", sig, "mary", "ann:lee"));
    }
}
