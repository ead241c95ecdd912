package io.weft.agent.events;

import io.weft.agent.keys.Template;
import io.weft.agent.keys.Values;
import io.weft.agent.log.WeftLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The key templates of {@code weft.events.<type>} (SPEC §4, §6), rendered against the payload of foreign
 * events: {@code {book_id}} is the payload field {@code book_id}, {@code {book.id}} the field {@code id}
 * of the object in field {@code book}; values render as in keys ({@link Values#render}); {@code {skus[*]}} renders
 * one key per element of the array in field {@code skus}. A template naming a field the payload lacks is skipped
 * for that event and logged (rate-limited).
 */
public final class ForeignEventMapping {

    private final Map<String, List<Template>> templatesByType;

    private ForeignEventMapping(Map<String, List<Template>> templatesByType) {
        this.templatesByType = templatesByType;
    }

    /**
     * Parses the configured templates.
     *
     * @param templatesByType event type to the value of {@code weft.events.<type>}: templates separated by commas, as
     *     {@link TemplateList} reads them
     * @throws IllegalArgumentException naming the property of a template that does not parse
     */
    public static ForeignEventMapping parse(Map<String, String> templatesByType) {
        Map<String, List<Template>> parsed = new LinkedHashMap<>();
        templatesByType.forEach((type, value) -> {
            List<Template> templates = new ArrayList<>();
            for (String text : TemplateList.parse(value).templates()) {
                try {
                    templates.add(Template.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("weft.events." + type + ": " + e.getMessage(), e);
                }
            }
            if (templates.isEmpty()) {
                throw new IllegalArgumentException("weft.events." + type + ": no key template in '" + value + "'");
            }
            parsed.put(type, List.copyOf(templates));
        });
        return new ForeignEventMapping(parsed);
    }

    /** The mapped event types, whose streams are read. */
    public Set<String> types() {
        return templatesByType.keySet();
    }

    /**
     * The keys (without namespace) that a foreign event evicts: its payload's {@code keys}, then those its type's
     * templates render, without repeats. The templates apply whether or not the payload has {@code keys}: SPEC §6
     * names no field that would turn a mapping off, and a service that lists some keys itself may rely on the mapping
     * for the rest; evicting a key twice costs nothing, leaving one out serves a stale value.
     *
     * @throws IllegalArgumentException as {@link #render}
     */
    public List<String> keysOf(InvalidationEvent event) {
        List<String> rendered = render(event.type(), event.payload());
        if (event.keys().isEmpty()) {
            return rendered;
        }
        Set<String> keys = new LinkedHashSet<>(event.keys());
        keys.addAll(rendered);
        return List.copyOf(keys);
    }

    /**
     * The keys (without namespace) that an event of {@code type} with {@code payload} evicts; empty when unmapped. A
     * placeholder ending in {@code [*]} over a payload array renders one key per element (SPEC §13).
     *
     * @throws IllegalArgumentException when a payload value cannot be rendered ({@link Values#render}: nested too deep,
     *     too long); the event is then malformed
     */
    public List<String> render(String type, Map<String, Object> payload) {
        List<Template> templates = templatesByType.get(type);
        if (templates == null) {
            return List.of();
        }
        List<String> keys = new ArrayList<>(templates.size());
        for (Template template : templates) {
            int each = template.eachIndex();
            Object elements = each < 0 ? null : field(template, template.placeholders().get(each), payload);
            if (elements instanceof List<?>) {
                for (Object element : (List<?>) elements) {
                    addRendered(keys, template, payload, element);
                }
            } else if (elements != MISSING) {
                addRendered(keys, template, payload, elements);
            }
        }
        return keys;
    }

    /** What {@link #field} answers for a field the payload lacks (it logs that). */
    private static final Object MISSING = new Object();

    private static void addRendered(List<String> keys, Template template, Map<String, Object> payload, Object element) {
        String key = render(template, payload, element);
        if (key != null) {
            keys.add(key);
        }
    }

    /** The key, the {@code [*]} placeholder (if any) rendering {@code element}; null when a field is missing. */
    private static String render(Template template, Map<String, Object> payload, Object element) {
        StringBuilder key = new StringBuilder(template.literalPrefix());
        List<Template.Placeholder> placeholders = template.placeholders();
        for (int i = 0; i < placeholders.size(); i++) {
            Template.Placeholder placeholder = placeholders.get(i);
            Object value = placeholder.each() ? element : field(template, placeholder, payload);
            if (value == MISSING) {
                return null;
            }
            key.append(Values.render(value)).append(template.literals().get(i + 1));
        }
        return key.toString();
    }

    /** The payload's value for {@code placeholder}, or {@link #MISSING} (logged, rate-limited). */
    private static Object field(Template template, Template.Placeholder placeholder, Map<String, Object> payload) {
        Object value = payload;
        for (String field : fieldPath(placeholder)) {
            if (!(value instanceof Map<?, ?>) || !((Map<?, ?>) value).containsKey(field)) {
                WeftLog.warnRateLimited("events.template:" + template.source(), "an event has no field "
                        + placeholder + " for key template '" + template.source() + "'; that key is not evicted");
                return MISSING;
            }
            value = ((Map<?, ?>) value).get(field);
        }
        return value;
    }

    private static List<String> fieldPath(Template.Placeholder placeholder) {
        List<String> path = new ArrayList<>(placeholder.path().size() + 1);
        path.add(placeholder.root());
        path.addAll(placeholder.path());
        return path;
    }
}
