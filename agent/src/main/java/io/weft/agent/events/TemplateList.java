package io.weft.agent.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The value of {@code weft.events.<type>}: key templates (SPEC §3) separated by commas (SPEC §4). A comma may also be
 * part of a template (SPEC §3 accepts {@code ,} between two placeholders, and in any literal), so:
 * <ul>
 * <li>{@code ,,} is one comma inside a template, as <code>&#123;&#123;</code> is one brace: {@code k:{a},,{b}} is the
 *     one template {@code k:{a},{b}}, and {@code k:{a}:x,,y} the one template {@code k:{a}:x,y};
 * <li>a single comma directly between two placeholders (<code>&#125;,&#123;</code>) stays inside the template too, so
 *     that a key template copied from a {@code @CacheResult} ({@code price:{region},{sku}}) is not cut into two wrong
 *     ones. As {@code {sku}} alone would also be a template, that reading is {@linkplain #ambiguity ambiguous}: write
 *     {@code ,,} to mean it, or a space after the comma ({@code k:{a}, {b}}) for two templates;
 * <li>every other single comma outside a placeholder's braces separates templates
 *     ({@code storybook:book:{book_id},storybook:books:{user_id}} is two, as before).
 * </ul>
 * Whitespace around each template is dropped, and empty ones are skipped. No lambda and no regular expression: this is
 * checked in {@code premain} (docs/design.md §1).
 */
public final class TemplateList {

    private final List<String> templates;
    private final List<String> joined;

    private TemplateList(List<String> templates, List<String> joined) {
        this.templates = Collections.unmodifiableList(templates);
        this.joined = Collections.unmodifiableList(joined);
    }

    /** Splits {@code value} into its templates by the rules above; each is parsed later, by {@code Template.parse}. */
    public static TemplateList parse(String value) {
        List<String> templates = new ArrayList<>();
        List<String> joined = new ArrayList<>();
        StringBuilder template = new StringBuilder();
        boolean joinedHere = false;
        boolean inPlaceholder = false;
        boolean afterPlaceholder = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            char next = i + 1 < value.length() ? value.charAt(i + 1) : 0;
            if (inPlaceholder) {
                inPlaceholder = c != '}';
                afterPlaceholder = !inPlaceholder;
                template.append(c);
            } else if ((c == '{' || c == '}') && next == c) {
                template.append(c).append(next); // a literal brace, for the template parser
                i++;
                afterPlaceholder = false;
            } else if (c == ',' && next == ',') {
                template.append(c);
                i++;
                afterPlaceholder = false;
            } else if (c == ',' && afterPlaceholder && opensPlaceholder(value, i + 1)) {
                template.append(c);
                joinedHere = true;
                afterPlaceholder = false;
            } else if (c == ',') {
                add(template, joinedHere, templates, joined);
                template.setLength(0);
                joinedHere = false;
                afterPlaceholder = false;
            } else {
                inPlaceholder = c == '{';
                template.append(c);
                afterPlaceholder = false;
            }
        }
        add(template, joinedHere, templates, joined);
        return new TemplateList(templates, joined);
    }

    private static boolean opensPlaceholder(String value, int at) {
        return at < value.length() && value.charAt(at) == '{' && (at + 1 == value.length() || value.charAt(at + 1) != '{');
    }

    private static void add(StringBuilder template, boolean joinedHere, List<String> templates, List<String> joined) {
        String text = template.toString().trim();
        if (text.isEmpty()) {
            return;
        }
        templates.add(text);
        if (joinedHere) {
            joined.add(text);
        }
    }

    /** The templates, in order, as text. */
    public List<String> templates() {
        return templates;
    }

    /**
     * A warning naming {@code weft.events.<type>} when a single comma between two placeholders was read as part of a
     * template (it could have separated two), saying how to write either reading unambiguously; null otherwise.
     */
    public String ambiguity(String type) {
        if (joined.isEmpty()) {
            return null;
        }
        List<String> quoted = new ArrayList<>(joined.size());
        for (String template : joined) {
            quoted.add("'" + template + "'");
        }
        return "weft.events." + type + ": " + String.join(", ", quoted) + (joined.size() == 1 ? " is" : " are each")
                + " read as one key template, its ',' between two placeholders part of the key (SPEC §3) rather than"
                + " the end of one template and the start of another; write ',,' there to mean that, or put a space"
                + " after the comma (', ') for separate templates";
    }
}
