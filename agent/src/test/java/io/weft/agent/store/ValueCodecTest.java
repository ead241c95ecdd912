package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ValueCodecTest {

    record Book(UUID id, String title, Instant created, Optional<String> subtitle, List<String> tags) {
    }

    record Times(Instant instant, LocalDate date, LocalDateTime local, OffsetDateTime offset, ZonedDateTime zoned,
            Duration duration, Date legacy) {
    }

    record Holder(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object value) {
    }

    record Untyped(Object value) {
    }

    /** A legacy bean: no-argument constructor, getters and setters. */
    public static final class Voice {
        private String name;
        private int speed;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getSpeed() {
            return speed;
        }

        public void setSpeed(int speed) {
            this.speed = speed;
        }
    }

    /** A node that can point at itself. */
    public static final class Node {
        private final List<Node> next = new ArrayList<>();

        public List<Node> getNext() {
            return next;
        }
    }

    // Declared return types, read the way the agent reads them: Method#getGenericReturnType.
    static List<Book> books() {
        return null;
    }

    static Map<String, List<Book>> booksByUser() {
        return null;
    }

    static Set<String> menu() {
        return null;
    }

    static Map<String, Map<Integer, Set<Long>>> nested() {
        return null;
    }

    static Optional<Book> maybeBook() {
        return null;
    }

    private final ValueCodec codec = new ValueCodec(1 << 20, 0);

    private static Type returnType(String method) throws NoSuchMethodException {
        return ValueCodecTest.class.getDeclaredMethod(method).getGenericReturnType();
    }

    private Object roundTrip(Object value, Type type) {
        return codec.decode(codec.encode(value), type);
    }

    private static Book book(String title, Optional<String> subtitle) {
        return new Book(UUID.randomUUID(), title, Instant.parse("2026-11-21T10:00:00.123456Z"), subtitle, List.of("a", "b"));
    }

    @Test
    void listOfRecordsReadsBackAsListOfRecords() throws Exception {
        List<Book> books = List.of(book("Dune", Optional.of("Book one")), book("Emma", Optional.empty()));

        Object read = roundTrip(books, returnType("books"));

        assertEquals(books, read);
        assertInstanceOf(Book.class, ((List<?>) read).get(0));
    }

    @Test
    void mapsAndNestedGenericsKeepTheirElementTypes() throws Exception {
        Map<String, List<Book>> byUser = Map.of("ada", List.of(book("Dune", Optional.empty())), "bob", List.of());
        Map<String, Map<Integer, Set<Long>>> nested = Map.of("x", Map.of(1, Set.of(2L, 3L), 4, Set.of()));

        assertEquals(byUser, roundTrip(byUser, returnType("booksByUser")));
        assertEquals(nested, roundTrip(nested, returnType("nested")));
    }

    /** A {@code Set} comes back in the order it was written (a menu, a ranking), not in a hash set's order. */
    @Test
    void aSetKeepsItsOrder() throws Exception {
        Set<String> menu = new java.util.LinkedHashSet<>(List.of("Orders", "Help", "Logout", "Account", "Settings",
                "Search", "Basket", "Wishlist"));

        Object read = roundTrip(menu, returnType("menu"));

        assertEquals(List.copyOf(menu), List.copyOf((Set<?>) read));
    }

    @Test
    void optionalContentIsStoredAndReadAsTheContentType() throws Exception {
        Type content = ((java.lang.reflect.ParameterizedType) returnType("maybeBook")).getActualTypeArguments()[0];
        Book book = book("Dune", Optional.of("sub"));

        assertEquals(book, roundTrip(book, content));
    }

    @Test
    void javaTimeValuesAreIsoStringsAndKeepOffsetsAndZones() {
        Times times = new Times(Instant.parse("2026-11-21T10:00:00Z"), LocalDate.of(2026, 11, 21),
                LocalDateTime.of(2026, 11, 21, 10, 0, 1), OffsetDateTime.of(2026, 11, 21, 10, 0, 0, 0, ZoneOffset.ofHours(2)),
                ZonedDateTime.of(2026, 11, 21, 10, 0, 0, 0, ZoneId.of("Europe/Paris")), Duration.ofMinutes(5),
                new Date(0));

        String json = new String(codec.encode(times), StandardCharsets.UTF_8);

        assertTrue(json.contains("\"instant\":\"2026-11-21T10:00:00Z\""), json);
        assertTrue(json.contains("\"date\":\"2026-11-21\""), json);
        assertTrue(json.contains("\"offset\":\"2026-11-21T10:00:00+02:00\""), json);
        assertTrue(json.contains("\"zoned\":\"2026-11-21T10:00:00+01:00[Europe/Paris]\""), json);
        assertTrue(json.contains("\"duration\":\"PT5M\""), json);
        assertTrue(json.contains("\"legacy\":\"1970-01-01T00:00:00.000+00:00\""), json);
        assertEquals(times, codec.decode(json.getBytes(StandardCharsets.UTF_8), Times.class));
    }

    @Test
    void beansRoundTripAndUnknownPropertiesAreIgnored() {
        Voice voice = new Voice();
        voice.setName("Ava");
        voice.setSpeed(3);

        Voice read = (Voice) roundTrip(voice, Voice.class);
        Voice newer = (Voice) codec.decode("{\"name\":\"Ava\",\"speed\":3,\"added\":true}".getBytes(StandardCharsets.UTF_8),
                Voice.class);

        assertEquals("Ava", read.getName());
        assertEquals(3, read.getSpeed());
        assertEquals("Ava", newer.getName());
    }

    @Test
    void typeInformationIsNeverTakenFromTheData() {
        byte[] classNamed = "{\"value\":[\"java.util.Date\",0]}".getBytes(StandardCharsets.UTF_8);
        byte[] annotated = "{\"value\":{\"@class\":\"java.util.Date\"}}".getBytes(StandardCharsets.UTF_8);

        assertEquals(List.of("java.util.Date", 0), ((Untyped) codec.decode(classNamed, Untyped.class)).value());
        assertThrows(UnreadableValueException.class, () -> codec.decode(annotated, Holder.class));
    }

    @Test
    void dataThatDoesNotFitTheTypeIsUnreadable() throws Exception {
        byte[] json = codec.encode("just a string");

        UnreadableValueException e = assertThrows(UnreadableValueException.class, () -> codec.decode(json, returnType("books")));

        assertTrue(e.getMessage().contains("java.util.List<" + Book.class.getName() + ">"), e.getMessage());
    }

    record Person(String ssn, Map<String, String> notes) {
    }

    record ChangedPerson(int ssn, Map<String, Integer> notes) {
    }

    @Test
    void theMessageOfAnUnreadableValueSaysWhereNotWhat() throws Exception {
        byte[] changedType = codec.encode(new Person("123-45-6789", Map.of()));
        UnreadableValueException e = assertThrows(UnreadableValueException.class,
                () -> codec.decode(changedType, ChangedPerson.class));
        assertTrue(e.getMessage().endsWith(ChangedPerson.class.getName()
                + ": InvalidFormatException at $.ssn"), e.getMessage());
        assertNull(e.getCause(), "Jackson's exception, which quotes the value, is not kept");

        byte[] inAMap = codec.encode(new Person(null, Map.of("session-4f2a", "not a number")));
        e = assertThrows(UnreadableValueException.class, () -> codec.decode(inAMap, ChangedPerson.class));
        assertTrue(e.getMessage().endsWith("InvalidFormatException at $.notes[…]"), e.getMessage());
        assertFalse(e.getMessage().contains("session") || e.getMessage().contains("number"), e.getMessage());

        byte[] notJson = "{\"ssn\": 123-45-6789}".getBytes(StandardCharsets.UTF_8);
        e = assertThrows(UnreadableValueException.class, () -> codec.decode(notJson, ChangedPerson.class));
        assertTrue(e.getMessage().contains("Exception at line 1, column "), e.getMessage());
        assertFalse(e.getMessage().contains("45"), e.getMessage());
    }

    @Test
    void valuesJacksonCannotWriteAreUnstorable() {
        Node cycle = new Node();
        Node other = new Node();
        cycle.getNext().add(other);
        other.getNext().add(cycle);

        UnstorableValueException empty = assertThrows(UnstorableValueException.class, () -> codec.encode(new Object()));
        UnstorableValueException cyclic = assertThrows(UnstorableValueException.class, () -> codec.encode(cycle));

        assertEquals(UnstorableValueException.Reason.UNSERIALIZABLE, empty.reason());
        assertEquals(UnstorableValueException.Reason.UNSERIALIZABLE, cyclic.reason());
    }

    /** A bean whose getter fails with a message quoting its data. */
    public static final class Guarded {
        public String getSsn() {
            throw new IllegalStateException("no access to 123-45-6789");
        }
    }

    @Test
    void theMessageOfAnUnwritableValueSaysWhereNotWhat() {
        UnstorableValueException thrown = assertThrows(UnstorableValueException.class, () -> codec.encode(new Guarded()));
        assertEquals("cannot write a " + Guarded.class.getName() + " as JSON: java.lang.IllegalStateException thrown at"
                + " $.ssn", thrown.getMessage());
        assertNull(thrown.getCause(), "Jackson's exception, which quotes the getter's message, is not kept");

        Map<String, Object> cyclic = new HashMap<>();
        cyclic.put("session-4f2a", cyclic);
        UnstorableValueException cycle = assertThrows(UnstorableValueException.class, () -> codec.encode(cyclic));
        assertFalse(cycle.getMessage().contains("session"), cycle.getMessage());
        assertTrue(cycle.getMessage().length() < 300, "a cycle's path is cut short: " + cycle.getMessage());
        assertNull(cycle.getCause());
    }

    @Test
    void valuesLargerThanTheBoundAreUnstorable() {
        ValueCodec small = new ValueCodec(1000, 0);
        List<String> large = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            large.add("element " + i);
        }

        UnstorableValueException e = assertThrows(UnstorableValueException.class, () -> small.encode(large));

        assertEquals(UnstorableValueException.Reason.TOO_LARGE, e.reason());
        assertEquals(8, small.encode(List.of("abcd")).length);
        assertThrows(UnstorableValueException.class, () -> new ValueCodec(7, 0).encode(List.of("abcd")));
    }

    private static List<String> elements(int count) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add("element " + i);
        }
        return list;
    }

    private static final Type LIST_OF_STRINGS = new TypeReference<List<String>>() { }.getType();

    /** SPEC §13: JSON at least {@code weft.redis.compress.minBytes} long is stored as standard gzip. */
    @Test
    void valuesFromTheThresholdOnAreStoredGzipCompressed() throws Exception {
        ValueCodec compressing = new ValueCodec(1 << 20, 100);
        List<String> large = elements(1000);

        byte[] stored = compressing.encode(large);
        byte[] small = compressing.encode(List.of("abcd"));

        assertEquals(0x1f, stored[0] & 0xff, "the gzip magic bytes come first");
        assertEquals(0x8b, stored[1] & 0xff);
        byte[] json;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            json = in.readAllBytes();
        }
        assertArrayEquals(codec.encode(large), json, "plain gzip of the same JSON, readable by any language");
        assertTrue(stored.length < json.length / 4);
        assertEquals("[\"abcd\"]", new String(small, StandardCharsets.UTF_8), "below the threshold: plain JSON");
        assertEquals(large, compressing.decode(stored, LIST_OF_STRINGS));
        assertEquals(json.length - stored.length, ValueCodec.bytesSaved(stored), "what compression saved, from the trailer");
        assertEquals(0, ValueCodec.bytesSaved(small), "nothing saved on plain JSON");
    }

    /** SPEC §4/§7 "larger values are not stored": JSON of exactly {@code weft.redis.maxValueBytes} still is. */
    @Test
    void jsonOfExactlyTheBoundIsStorable() {
        List<String> value = elements(20);
        byte[] json = codec.encode(value);

        assertArrayEquals(json, new ValueCodec(json.length, 0).encode(value), "exactly maxValueBytes: stored");
        UnstorableValueException e = assertThrows(UnstorableValueException.class,
                () -> new ValueCodec(json.length - 1, 0).encode(value));
        assertEquals(UnstorableValueException.Reason.TOO_LARGE, e.reason(), "one byte more than maxValueBytes");
    }

    /** SPEC §13 "at least that large": JSON of exactly the threshold is compressed, one byte less is not. */
    @Test
    void jsonOfExactlyTheThresholdIsCompressedAndOneByteLessIsNot() {
        List<String> value = elements(20);
        int length = codec.encode(value).length;

        byte[] atThreshold = new ValueCodec(1 << 20, length).encode(value);
        byte[] belowThreshold = new ValueCodec(1 << 20, length + 1).encode(value);

        assertEquals(0x1f, atThreshold[0] & 0xff, "JSON of exactly minBytes is stored gzip-compressed");
        assertEquals(0x8b, atThreshold[1] & 0xff);
        assertArrayEquals(codec.encode(value), belowThreshold, "JSON one byte shorter than minBytes stays plain");
    }

    @Test
    void compressedAndPlainValuesAreReadWhateverTheSetting() {
        ValueCodec compressing = new ValueCodec(1 << 20, 10);
        List<String> value = elements(50);

        assertEquals(value, codec.decode(compressing.encode(value), LIST_OF_STRINGS), "compression off reads gzip");
        assertEquals(value, compressing.decode(codec.encode(value), LIST_OF_STRINGS), "compression on reads JSON");
    }

    /**
     * A compressed value that inflates far past the size bound (a gzip bomb) is refused, not inflated: the bomb is valid
     * JSON (a long string), so only the bound can refuse it.
     */
    @Test
    void aCompressedValueThatInflatesPastTheBoundIsUnreadable() throws Exception {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        byte[] letters = new byte[1 << 20];
        java.util.Arrays.fill(letters, (byte) 'a');
        try (GZIPOutputStream out = new GZIPOutputStream(bomb)) {
            out.write('"');
            out.write(letters);
            out.write('"');
        }
        ValueCodec bounded = new ValueCodec(1000, 0);

        assertThrows(UnreadableValueException.class, () -> bounded.decode(bomb.toByteArray(), String.class));
        assertEquals(1 << 20, ((String) new ValueCodec(1 << 20, 0).decode(bomb.toByteArray(), String.class)).length(),
                "the same value within the bound is read");
    }
}
