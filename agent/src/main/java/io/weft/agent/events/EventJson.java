package io.weft.agent.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.LinkedHashMap;
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
    private static final TypeReference<LinkedHashMap<String, Object>> PAYLOAD = new TypeReference<>() {
    };
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private EventJson() {
    }

    /** The event's JSON; fields that are null (foreign events only) are left out. */
    public static String encode(InvalidationEvent event) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("type", event.type());
        root.set("payload", MAPPER.valueToTree(event.payload()));
        if (event.timestamp() != null) {
            root.put("timestamp", TIMESTAMP.format(event.timestamp()));
        }
        if (event.source() != null) {
            root.put("source", event.source());
        }
        if (event.eventId() != null) {
            root.put("event_id", event.eventId());
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event " + event.type(), e);
        }
    }

    /**
     * Reads an event. Required: a JSON object with a string {@code type}; {@code payload}, when present,
     * an object (missing means empty); {@code timestamp}, when present, an ISO-8601 date-time.
     *
     * @throws MalformedEventException saying what is wrong
     */
    public static InvalidationEvent decode(String json) throws MalformedEventException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("not a JSON object");
        }
        JsonNode type = root.path("type");
        if (!type.isTextual() || type.asText().isEmpty()) {
            throw new MalformedEventException("no \"type\" string");
        }
        JsonNode payload = root.path("payload");
        if (!payload.isMissingNode() && !payload.isObject()) {
            throw new MalformedEventException("\"payload\" is not an object");
        }
        Map<String, Object> fields = payload.isObject() ? MAPPER.convertValue(payload, PAYLOAD) : Map.of();
        try {
            return new InvalidationEvent(type.asText(), fields, timestamp(root.path("timestamp")), text(root, "source"),
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

    private static Instant timestamp(JsonNode node) throws MalformedEventException {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        String text = node.asText();
        String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        try {
            TemporalAccessor parsed = FOREIGN_TIMESTAMP.parse(iso);
            return parsed.isSupported(ChronoField.INSTANT_SECONDS) ? Instant.from(parsed)
                    : LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("\"timestamp\" is not an ISO-8601 date-time: " + text);
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.path(field);
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }
}
