package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7: a value whose JSON cannot carry its state is not stored in L2. A bean with a field that no written property
 * is backed by would come back from Redis with that field null: {@link ValueCodec#encode} refuses it, naming the class
 * and the field, never a value.
 */
class LostFieldsTest {

    /** The ISBN has no getter: its JSON is {@code {"title":…}}, and read back, the ISBN is null. */
    public static final class Book {
        private final String isbn;
        private String title;

        public Book(String isbn, String title) {
            this.isbn = isbn;
            this.title = title;
        }

        public String getTitle() {
            return title;
        }
    }

    /** Two fields without getters. */
    public static final class Volume {
        private String isbn = "978-0441013593";
        private int number = 1;
        private String title = "Dune";

        public String getTitle() {
            return title;
        }
    }

    /** Fields that are not state, left out on purpose: with {@code @JsonIgnore}, transient, or a {@code $} name. */
    public static final class Cached {
        private String title = "Dune";
        @JsonIgnore
        private String lowerCase = "dune";
        private transient int hash = 42;
        private final Object summary$delegate = "lazy";

        public String getTitle() {
            return title;
        }
    }

    /** A field whose getter is {@code @JsonIgnore}d. */
    public static final class HiddenGetter {
        private String title = "Dune";
        private String isbn = "978-0441013593";

        public String getTitle() {
            return title;
        }

        @JsonIgnore
        public String getIsbn() {
            return isbn;
        }
    }

    /** A field the class names in {@code @JsonIgnoreProperties}. */
    @JsonIgnoreProperties("isbn")
    public static final class IgnoredByClass {
        private String title = "Dune";
        private String isbn = "978-0441013593";

        public String getTitle() {
            return title;
        }
    }

    /** Public fields, and a private one written from its getter as a boolean ({@code isActive()}). */
    public static final class Point {
        public int x = 1;
        public int y = 2;
        private boolean active = true;

        public boolean isActive() {
            return active;
        }
    }

    public record Edition(String isbn, int year, List<String> printings) {
    }

    /** Inherits a field without a getter. */
    public static class Base {
        private String isbn = "978-0441013593";
    }

    public static final class Novel extends Base {
        private String title = "Dune";

        public String getTitle() {
            return title;
        }
    }

    public static class Named {
        private String name = "base";

        public String getName() {
            return name;
        }
    }

    /** Hides its superclass's field: the JSON has one {@code name}. */
    public static final class Renamed extends Named {
        private String name = "renamed";

        @Override
        public String getName() {
            return name;
        }
    }

    /** An Android-style field: its getter and setter name the property {@code title}, the field {@code mTitle}. */
    public static final class Prefixed {
        private String mTitle = "Dune";

        public String getTitle() {
            return mTitle;
        }

        public void setTitle(String title) {
            this.mTitle = title;
        }
    }

    /** The same, with the field named after its property. */
    public static final class PrefixedAndNamed {
        @JsonProperty("title")
        private String mTitle = "Dune";

        public String getTitle() {
            return mTitle;
        }

        public void setTitle(String title) {
            this.mTitle = title;
        }
    }

    public record Shelf(String name, Book favourite) {
    }

    private final ValueCodec codec = new ValueCodec(1 << 20, 0);

    private String json(Object value) {
        return new String(codec.encode(value), StandardCharsets.UTF_8);
    }

    private UnstorableValueException refused(Object value) {
        UnstorableValueException e = assertThrows(UnstorableValueException.class, () -> codec.encode(value));
        assertEquals(UnstorableValueException.Reason.UNSERIALIZABLE, e.reason());
        return e;
    }

    @Test
    void aFieldWithoutAGetterIsNotStoredAndTheMessageNamesTheClassAndTheField() {
        UnstorableValueException e = refused(new Book("978-0441013593", "Dune"));

        assertEquals("a " + Book.class.getName() + " would lose its field isbn: no property of its JSON is written"
                + " from it; add a getter named after the field, or make the field transient if it is not part of the"
                + " value", e.getMessage());
        assertFalse(e.getMessage().contains("978") || e.getMessage().contains("Dune"), "no value in the message");
        assertEquals(e.getMessage(), refused(new Book("0", "Emma")).getMessage(), "every value of the class");
        assertEquals("a " + Volume.class.getName() + " would lose its fields isbn, number: no property of its JSON is"
                + " written from them; add a getter named after each field, or make a field transient if it is not"
                + " part of the value", refused(new Volume()).getMessage());
    }

    @Test
    void fieldsLeftOutOnPurposeAreNotState() {
        assertEquals("{\"title\":\"Dune\"}", json(new Cached()));
        assertEquals("{\"title\":\"Dune\"}", json(new HiddenGetter()));
        assertEquals("{\"title\":\"Dune\"}", json(new IgnoredByClass()));
    }

    @Test
    void recordsPublicFieldsAndGettersOfTheFieldsNameAreStored() {
        Edition edition = new Edition("978-0441013593", 1965, List.of("first"));

        assertEquals(edition, codec.decode(codec.encode(edition), Edition.class));
        assertEquals("{\"x\":1,\"y\":2,\"active\":true}", json(new Point()));
    }

    @Test
    void anInheritedFieldWithoutAGetterIsNotStored() {
        UnstorableValueException e = refused(new Novel());

        assertTrue(e.getMessage().startsWith("a " + Novel.class.getName() + " would lose its field isbn (of "
                + Base.class.getName() + "):"), e.getMessage());
        assertTrue(refused(new Renamed()).getMessage().contains("would lose its field name (of " + Named.class.getName()
                + "):"), "a field hidden by the subclass's");
    }

    /** A getter of another name may or may not return the field: not a risk worth wrong data (see LostFields). */
    @Test
    void aGetterNamedAfterSomethingElseDoesNotCoverTheField() {
        assertTrue(refused(new Prefixed()).getMessage().contains("would lose its field mTitle:"));
        assertEquals("{\"title\":\"Dune\"}", json(new PrefixedAndNamed()));
    }

    @Test
    void aLossyBeanInsideAnotherValueIsNotStored() {
        Book book = new Book("978-0441013593", "Dune");
        String message = refused(book).getMessage();

        assertEquals(message, refused(List.of(book)).getMessage());
        assertEquals(message, refused(Map.of("dune", book)).getMessage());
        assertEquals(message, refused(Optional.of(book)).getMessage());
        assertEquals(message, refused(new Shelf("sci-fi", book)).getMessage());
        assertEquals("{\"name\":\"sci-fi\",\"favourite\":null}", json(new Shelf("sci-fi", null)), "none in this one");
    }
}
