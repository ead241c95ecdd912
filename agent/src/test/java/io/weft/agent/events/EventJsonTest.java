package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    @Test
    void writesTheWireFormatByteForByte() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("keys", List.of("storybook:book:7", "storybook:books:u1"));
        payload.put("prefixes", List.of());
        payload.put("bookId", 7);
        InvalidationEvent event = new InvalidationEvent("book.updated", payload, Instant.parse("2026-11-21T10:00:00.120Z"),
                "host-1", "6f1c0d1e-58b3-4c4e-9a51-2b7cbb5ed0a3");

        assertEquals("{\"type\":\"book.updated\",\"payload\":{\"keys\":[\"storybook:book:7\",\"storybook:books:u1\"],"
                + "\"prefixes\":[],\"bookId\":7},\"timestamp\":\"2026-11-21T10:00:00.120000Z\",\"source\":\"host-1\","
                + "\"event_id\":\"6f1c0d1e-58b3-4c4e-9a51-2b7cbb5ed0a3\"}", EventJson.encode(event));
    }

    enum Mood { HAPPY }

    @Test
    void anInvalidationCarriesKeysPrefixesAndScalarArgumentsOnly() {
        UUID user = UUID.randomUUID();
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("userId", user);
        arguments.put("mood", Mood.HAPPY);
        arguments.put("count", 3L);
        arguments.put("draft", true);
        arguments.put("title", "Dune");
        arguments.put("note", null);
        arguments.put("patch", new ArrayList<>(List.of("not", "scalar")));
        arguments.put("keys", "would clash");

        InvalidationEvent event = InvalidationEvent.invalidation("book.updated", List.of("storybook:books:" + user),
                List.of("storybook:pages:"), arguments, "host-1");

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("keys", List.of("storybook:books:" + user));
        expected.put("prefixes", List.of("storybook:pages:"));
        expected.put("userId", user.toString());
        expected.put("mood", "HAPPY");
        expected.put("count", 3L);
        expected.put("draft", true);
        expected.put("title", "Dune");
        expected.put("note", null);
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(event.payload().entrySet()));
        assertEquals("host-1", event.source());
        assertEquals(event.eventId(), UUID.fromString(event.eventId()).toString());
        assertTrue(Math.abs(event.timestamp().toEpochMilli() - System.currentTimeMillis()) < TimeUnit.SECONDS.toMillis(5));
        assertTrue(EventJson.encode(event).matches(".*\"timestamp\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z\".*"));
    }

    @Test
    void tagsFollowThePrefixesAndAreLeftOutWhenThereAreNone() throws Exception {
        InvalidationEvent tagged = InvalidationEvent.invalidation("cache.invalidated", List.of(), List.of(),
                List.of("user:1", "library:2"), Map.of("tags", "would clash"), "host-2");
        InvalidationEvent untagged = InvalidationEvent.invalidation("cache.invalidated", List.of("a:1"), List.of(),
                List.of(), Map.of(), "host-2");

        assertTrue(EventJson.encode(tagged).startsWith("{\"type\":\"cache.invalidated\",\"payload\":"
                + "{\"keys\":[],\"prefixes\":[],\"tags\":[\"user:1\",\"library:2\"]}"), EventJson.encode(tagged));
        assertEquals(List.of("user:1", "library:2"), EventJson.decode(EventJson.encode(tagged)).tags());
        assertFalse(EventJson.encode(untagged).contains("tags"), EventJson.encode(untagged));
        assertThrows(MalformedEventException.class,
                () -> EventJson.decode("{\"type\":\"x\",\"payload\":{\"tags\":\"user:1\"}}"));
    }

    @Test
    void readsBackWhatItWrites() throws Exception {
        InvalidationEvent event = InvalidationEvent.invalidation("cache.invalidated", List.of("a:1"), List.of(),
                Map.of("id", 12, "name", "x"), "host-2");

        InvalidationEvent read = EventJson.decode(EventJson.encode(event));

        assertEquals(event.type(), read.type());
        assertEquals(event.payload(), read.payload());
        assertEquals(event.timestamp(), read.timestamp());
        assertEquals(event.source(), read.source());
        assertEquals(event.eventId(), read.eventId());
        assertEquals(List.of("a:1"), read.keys());
    }

    @Test
    void theClearAllEventHasADocumentedShape() throws Exception {
        InvalidationEvent clear = InvalidationEvent.clearAll("host-3");

        assertEquals("cache.invalidated", clear.type());
        assertEquals(Map.of("clear_all", true), clear.payload());
        assertTrue(EventJson.decode(EventJson.encode(clear)).isClearAll());
    }

    @Test
    void readsForeignEventsInThePythonShape() throws Exception {
        InvalidationEvent event = EventJson.decode("{\"type\":\"book.updated\",\"payload\":{\"book_id\":\"b-1\","
                + "\"user_id\":\"u-1\"},\"timestamp\":\"2026-11-21T10:00:00+00:00\",\"event_id\":\"abc\"}");

        assertEquals("book.updated", event.type());
        assertEquals(Map.of("book_id", "b-1", "user_id", "u-1"), event.payload());
        assertEquals(Instant.parse("2026-11-21T10:00:00Z"), event.timestamp());
        assertEquals("abc", event.eventId());
        assertNull(event.source());
        assertTrue(event.keys().isEmpty());
    }

    @Test
    void readsTimestampsWithAnOffsetAZoneLetterOrNoZone() throws Exception {
        Map<String, String> timestamps = Map.ofEntries(
                Map.entry("2026-11-21T10:00:00Z", "2026-11-21T10:00:00Z"),
                Map.entry("2026-11-21T10:00:00.5+00:00", "2026-11-21T10:00:00.500Z"),
                Map.entry("2026-11-21T12:00:00+02:00", "2026-11-21T10:00:00Z"),
                // Python's %z and Go's -0700, and an hour alone
                Map.entry("2026-11-21T12:00:00+0200", "2026-11-21T10:00:00Z"),
                Map.entry("2026-11-21T04:30:00.25-0530", "2026-11-21T10:00:00.250Z"),
                Map.entry("2026-11-21T12:00:00+02", "2026-11-21T10:00:00Z"),
                Map.entry("2026-11-21T10:00:00z", "2026-11-21T10:00:00Z"),
                Map.entry("2026-11-21T11:00:00+01:00[Europe/Paris]", "2026-11-21T10:00:00Z"),
                Map.entry("2026-11-21T10:00:00.123456", "2026-11-21T10:00:00.123456Z"),
                Map.entry("2026-11-21 10:00:00", "2026-11-21T10:00:00Z"));
        for (Map.Entry<String, String> t : timestamps.entrySet()) {
            InvalidationEvent event = EventJson.decode("{\"type\":\"x\",\"timestamp\":\"" + t.getKey() + "\",\"event_id\":7}");
            assertEquals(Instant.parse(t.getValue()), event.timestamp(), t.getKey());
            assertEquals("7", event.eventId());
            assertEquals(Map.of(), event.payload());
        }
    }

    @Test
    void rejectsWhatIsNotAnEvent() {
        for (String json : List.of("{not json", "[1,2]", "\"text\"", "{\"payload\":{}}", "{\"type\":\"\"}",
                "{\"type\":\"x\",\"payload\":[]}", "{\"type\":\"x\",\"payload\":{\"keys\":\"a\"}}",
                "{\"type\":\"x\",\"payload\":{\"prefixes\":[1]}}", "{\"type\":\"x\",\"timestamp\":\"yesterday\"}",
                "{\"type\":5}", "{\"type\":\"x\",\"timestamp\":\"2026-11-21\"}",
                "{\"type\":\"x\",\"timestamp\":\"2026-11-21X10:00:00\"}",
                "{\"type\":\"x\",\"timestamp\":\"2026-11-21T10:00:00+2\"}")) {
            assertThrows(MalformedEventException.class, () -> EventJson.decode(json), json);
        }
    }

    @Test
    void fieldsThatAreNullOrNotScalarsAreAbsent() throws Exception {
        assertEquals("{\"type\":\"x\",\"payload\":{}}", EventJson.encode(new InvalidationEvent("x", Map.of(), null, null,
                null)));
        InvalidationEvent read = EventJson.decode("{\"type\":\"x\",\"timestamp\":null,\"source\":null,"
                + "\"event_id\":{\"id\":7}}");
        assertNull(read.timestamp());
        assertNull(read.source());
        assertNull(read.eventId());
    }

    @Test
    void tellsAnEventWrittenForASourceByItsEndingAlone() {
        String me = "weft:host \"q\"-7-0a1b2c3d"; // a quote in the host name: written escaped
        String ending = EventJson.sourceEnding(me);
        String mine = EventJson.encode(InvalidationEvent.invalidation("cache.invalidated", List.of("a:1"), List.of(),
                Map.of("id", 1), me));
        String other = EventJson.encode(InvalidationEvent.invalidation("cache.invalidated", List.of("a:1"), List.of(),
                Map.of("id", 1), "weft:host-7-99999999"));
        String uuid = UUID.randomUUID().toString();
        // the ending inside the payload, a different source at the top level
        String nested = "{\"type\":\"x\",\"payload\":{\"n\":{\"source\":" + ending.substring(",\"source\":".length())
                + uuid + "\"}},\"source\":\"svc\",\"event_id\":\"" + uuid + "\"}";
        // the ending followed by a later source of the same object, which is the one read
        String laterSource = "1\",\"source\":\"svc-0000000000000000000"; // as long as a UUID
        String overridden = "{\"type\":\"x\",\"payload\":{}" + ending + laterSource + "\"}";

        assertTrue(EventJson.writtenAs(mine, ending), mine);
        assertFalse(EventJson.writtenAs(other, ending), other);
        assertFalse(EventJson.writtenAs(nested, ending), nested);
        assertFalse(EventJson.writtenAs(overridden, ending), overridden);
        assertFalse(EventJson.writtenAs("", ending));
        assertEquals(UUID.randomUUID().toString().length(), laterSource.length());
        assertTrue(ending.contains("\\\"q\\\""), ending);
    }

    @Test
    void readsBackEveryInstantItWritesAndWhatOthersWriteLikeIt() throws Exception {
        java.util.Random random = new java.util.Random(21);
        for (int i = 0; i < 2_000; i++) {
            Instant written = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE), random.nextInt(1_000_000) * 1_000L);
            InvalidationEvent event = new InvalidationEvent("x", Map.of(), written, null, null);
            assertEquals(written, EventJson.decode(EventJson.encode(event)).timestamp(), EventJson.encode(event));
        }
        assertEquals(Instant.parse("2024-02-29T23:59:59.999999Z"), EventJson.decode(
                "{\"type\":\"x\",\"timestamp\":\"2024-02-29T23:59:59.999999Z\"}").timestamp());
        // the same length and separators, but not a time of the written form: read as before, or refused
        assertEquals(Instant.parse("2026-11-21T08:00:00Z"), EventJson.decode(
                "{\"type\":\"x\",\"timestamp\":\"2026-11-21T10:00:00+02:00\"}").timestamp());
        assertEquals(Instant.parse("2026-11-22T00:00:00Z"), EventJson.decode(
                "{\"type\":\"x\",\"timestamp\":\"2026-11-21T24:00:00.000000Z\"}").timestamp());
        for (String wrong : List.of("2026-13-21T10:00:00.000000Z",
                "2026-11-2xT10:00:00.000000Z", "+026-11-21T10:00:00.000000Z")) {
            assertThrows(MalformedEventException.class,
                    () -> EventJson.decode("{\"type\":\"x\",\"timestamp\":\"" + wrong + "\"}"), wrong);
        }
    }
}
