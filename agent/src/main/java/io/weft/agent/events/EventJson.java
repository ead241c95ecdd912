package io.weft.agent.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Map;

/**
 * The JSON of an {@link InvalidationEvent} (SPEC §6), compact, fields in the order {@code type},
 * {@code payload}, {@code timestamp}, {@code source}, {@code event_id}. Weft writes the timestamp in UTC
 * with six fraction digits and a {@code Z} ({@code 2026-11-21T10:00:00.123456Z}); it reads timestamps
 * with an offset, a {@code Z} or no zone (UTC), with a {@code T} or a space between date and time, and
 * an {@code event_id} of any scalar.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** What {@link #TIMESTAMP} writes, {@code d} standing for a digit. */
    private static final String WRITTEN_FORM = "dddd-dd-ddTdd:dd:dd.ddddddZ";

    /** The length of a UUID's text, {@link java.util.UUID#toString}. */
    private static final int UUID_LENGTH = 36;

    private EventJson() {
    }

    /**
     * The event's JSON; fields that are null (foreign events only) are left out. Written token by token (no tree):
     * an invalidating call encodes its event before it returns.
     */
    public static String encode(InvalidationEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", event.type());
            json.writeFieldName("payload");
            json.writeStartObject();
            for (Map.Entry<String, ?> field : event.payload().entrySet()) {
                json.writeFieldName(field.getKey());
                writeValue(json, field.getValue());
            }
            json.writeEndObject();
            if (event.timestamp() != null) {
                json.writeStringField("timestamp", TIMESTAMP.format(event.timestamp()));
            }
            if (event.source() != null) {
                json.writeStringField("source", event.source());
            }
            if (event.eventId() != null) {
                json.writeStringField("event_id", event.eventId());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write event " + event.type(), e);
        }
        return out.toString();
    }

    /** A payload value: a list (of keys, prefixes or tags) element by element, anything else as Jackson writes it. */
    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value instanceof List<?>) {
            json.writeStartArray();
            for (Object element : (List<?>) value) {
                writeValue(json, element);
            }
            json.writeEndArray();
        } else if (value instanceof String) {
            json.writeString((String) value);
        } else {
            json.writeObject(value);
        }
    }

    /**
     * Whether {@code json} is an event as {@link #encode} writes it for {@code source} (that source, then an
     * {@code event_id} of a UUID's characters, ending the top-level object), told without parsing it: an instance's
     * reader skips its own events so. Any other text, even an event of that source written otherwise, is not.
     *
     * @param sourceEnding {@link #sourceEnding} of the source
     */
    static boolean writtenAs(String json, String sourceEnding) {
        int idEnd = json.length() - 2;
        int idStart = idEnd - UUID_LENGTH;
        int at = idStart - sourceEnding.length();
        if (at < 0 || !json.endsWith("\"}") || !json.startsWith(sourceEnding, at)) {
            return false;
        }
        for (int i = idStart; i < idEnd; i++) { // a UUID's characters: no quote can end the id early
            char c = json.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f') && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** What {@link #encode} writes between an event's payload (or timestamp) and its id, for {@code source}. */
    static String sourceEnding(String source) {
        try {
            return ",\"source\":" + MAPPER.writeValueAsString(source) + ",\"event_id\":\"";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write source " + source, e);
        }
    }

    /**
     * Reads an event. Required: a JSON object with a string {@code type}; {@code payload}, when present,
     * an object (missing means empty); {@code timestamp}, when present, an ISO-8601 date-time.
     *
     * @throws MalformedEventException saying what is wrong
     */
    public static InvalidationEvent decode(String json) throws MalformedEventException {
        Object parsed;
        try {
            parsed = MAPPER.readValue(json, Object.class); // in one pass: objects as maps, arrays as lists
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage());
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw new MalformedEventException("not a JSON object");
        }
        Map<?, ?> root = (Map<?, ?>) parsed;
        Object type = root.get("type");
        if (!(type instanceof String) || ((String) type).isEmpty()) {
            throw new MalformedEventException("no \"type\" string");
        }
        Object payload = root.get("payload");
        if (root.containsKey("payload") && !(payload instanceof Map<?, ?>)) {
            throw new MalformedEventException("\"payload\" is not an object");
        }
        @SuppressWarnings("unchecked") // a JSON object read as Object is a LinkedHashMap<String, Object>
        Map<String, Object> fields = payload == null ? Map.of() : (Map<String, Object>) payload;
        try {
            return new InvalidationEvent((String) type, fields, timestamp(root.get("timestamp")), text(root, "source"),
                    text(root, "event_id"));
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(e.getMessage());
        }
    }

    /**
     * ISO-8601 date-times as other services write them (SPEC §6: an offset, a {@code Z}, or no zone): an offset as
     * {@code +02:00}, {@code +0200} (Python's {@code %z}, Go's {@code -0700}) or {@code +02}, optionally followed by
     * a region ({@code [Europe/Paris]}), as {@link DateTimeFormatter#ISO_DATE_TIME} also reads.
     */
    private static final DateTimeFormatter FOREIGN_TIMESTAMP = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .optionalStart().appendLiteral('[').parseCaseSensitive().appendZoneRegionId().appendLiteral(']').optionalEnd()
            .toFormatter();

    private static Instant timestamp(Object value) throws MalformedEventException {
        if (value == null) {
            return null;
        }
        String text = String.valueOf(value);
        Instant written = asWritten(text);
        if (written != null) {
            return written;
        }
        String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        try {
            TemporalAccessor parsed = FOREIGN_TIMESTAMP.parse(iso);
            return parsed.isSupported(ChronoField.INSTANT_SECONDS) ? Instant.from(parsed)
                    : LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("\"timestamp\" is not an ISO-8601 date-time: " + text);
        }
    }

    /**
     * A timestamp as {@link #encode} writes it ({@code 2026-11-21T10:00:00.123456Z}), read digit by digit: every
     * instance reads every event, and a formatter costs several times the rest of an event's reading. Null for any
     * other text (then read by the formatter), also for a date that does not exist.
     */
    private static Instant asWritten(String text) {
        if (text.length() != WRITTEN_FORM.length()) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char form = WRITTEN_FORM.charAt(i);
            if (form == 'd' ? c < '0' || c > '9' : c != form) {
                return null;
            }
        }
        try {
            return LocalDateTime.of(number(text, 0, 4), number(text, 5, 7), number(text, 8, 10), number(text, 11, 13),
                    number(text, 14, 16), number(text, 17, 19), number(text, 20, 26) * 1000).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int number(String text, int from, int to) {
        return Integer.parseInt(text, from, to, 10);
    }

    /** A scalar field as text (a number as it was written); null when absent, null or not a scalar. */
    private static String text(Map<?, ?> root, String field) {
        Object value = root.get(field);
        return value == null || value instanceof Map<?, ?> || value instanceof List<?> ? null : String.valueOf(value);
    }
}
