package io.weft.agent.keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A parsed key template (SPEC §3): literal text and placeholders, in order. Parsing checks the
 * syntax only; {@link TemplateBinder} checks the names against a method.
 */
public final class Template {

    /**
     * One placeholder: its root ({@code userId}, {@code 0} or {@code return}) and property path, and whether it
     * ends in {@code [*]} (one key per element of a collection or array parameter, SPEC §13).
     */
    public static final class Placeholder {
        private final String root;
        private final List<String> path;
        private final boolean each;

        Placeholder(String root, List<String> path, boolean each) {
            this.root = root;
            this.path = path;
            this.each = each;
        }

        /** Whether it ends in {@code [*]}: it stands for each element of its parameter. */
        public boolean each() {
            return each;
        }

        public String root() {
            return root;
        }

        public List<String> path() {
            return path;
        }

        public boolean isReturn() {
            return root.equals("return");
        }

        /** The position for {@code {0}}-style placeholders, or -1. */
        public int position() {
            for (int i = 0; i < root.length(); i++) {
                if (!Character.isDigit(root.charAt(i))) {
                    return -1;
                }
            }
            return root.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(root);
        }

        @Override
        public String toString() {
            return "{" + String.join(".", concat(root, path)) + (each ? EACH : "") + "}";
        }

        private static List<String> concat(String root, List<String> path) {
            List<String> all = new ArrayList<>();
            all.add(root);
            all.addAll(path);
            return all;
        }
    }

    /** What ends a placeholder that stands for each element of its parameter. */
    static final String EACH = "[*]";

    private final String source;
    private final List<String> literals;
    private final List<Placeholder> placeholders;

    private Template(String source, List<String> literals, List<Placeholder> placeholders) {
        this.source = source;
        this.literals = literals;
        this.placeholders = placeholders;
    }

    /** The index of the placeholder that ends in {@code [*]}, or -1 when there is none. */
    public int eachIndex() {
        for (int i = 0; i < placeholders.size(); i++) {
            if (placeholders.get(i).each()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The template of one element: this one with its {@code [*]} placeholder read as a plain one, so that an
     * element renders exactly the key that a method taking that element alone would render.
     */
    public Template element() {
        int each = eachIndex();
        if (each < 0) {
            return this;
        }
        List<Placeholder> plain = new ArrayList<>(placeholders);
        Placeholder batch = plain.get(each);
        plain.set(each, new Placeholder(batch.root(), batch.path(), false));
        return new Template(render(literals, plain), literals, Collections.unmodifiableList(plain));
    }

    /** The text of a template: literals (braces doubled) around placeholders. */
    private static String render(List<String> literals, List<Placeholder> placeholders) {
        StringBuilder sb = new StringBuilder(literals.get(0).replace("{", "{{").replace("}", "}}"));
        for (int i = 0; i < placeholders.size(); i++) {
            sb.append(placeholders.get(i)).append(literals.get(i + 1).replace("{", "{{").replace("}", "}}"));
        }
        return sb.toString();
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming the template and what is wrong with it
     */
    public static Template parse(String template) {
        List<String> literals = new ArrayList<>();
        List<Placeholder> placeholders = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                literal.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                literal.append('}');
                i += 2;
            } else if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("template '" + template + "': unclosed '{' at " + i);
                }
                placeholders.add(placeholder(template, template.substring(i + 1, end)));
                literals.add(literal.toString());
                literal.setLength(0);
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("template '" + template + "': unmatched '}' at " + i
                        + " (write '}}' for a literal brace)");
            } else {
                literal.append(c);
                i++;
            }
        }
        literals.add(literal.toString());
        int each = 0;
        for (Placeholder placeholder : placeholders) {
            each += placeholder.each() ? 1 : 0;
        }
        if (each > 1) {
            throw new IllegalArgumentException("template '" + template + "': only one placeholder may end in " + EACH
                    + " (one key per element of one collection)");
        }
        for (int p = 1; p < placeholders.size(); p++) {
            if (!separates(literals.get(p))) {
                throw new IllegalArgumentException("template '" + template + "': " + placeholders.get(p - 1) + " and "
                        + placeholders.get(p) + " must be separated by ':' (not escaped by '\\') so that different"
                        + " arguments can never render the same key");
            }
        }
        return new Template(template, Collections.unmodifiableList(literals), Collections.unmodifiableList(placeholders));
    }

    /**
     * Whether a literal between two placeholders keeps their values apart: it holds a {@code :} or {@code ,} that no
     * {@code \} of the literal escapes. A value renders those characters escaped and ends outside an escape
     * sequence, so such a separator is the first unescaped one after the value and tells where the value ends; a
     * separator written {@code \:} reads like a value's own escaped {@code :} ({@code {a}\:{b}} renders
     * {@code p\:q\:r} for both {@code ("p:q", "r")} and {@code ("p", "q:r")}).
     */
    static boolean separates(String literal) {
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ':' || c == ',') {
                return true;
            }
        }
        return false;
    }

    private static Placeholder placeholder(String template, String body) {
        String trimmed = body.trim();
        boolean each = trimmed.endsWith(EACH);
        if (each) {
            trimmed = trimmed.substring(0, trimmed.length() - EACH.length());
        }
        String[] parts = trimmed.split("\\.", -1);
        for (String part : parts) {
            if (part.isEmpty() || !isIdentifier(part)) {
                throw new IllegalArgumentException("template '" + template + "': placeholder {" + body
                        + "} is not a parameter name, position or property path");
            }
        }
        List<String> path = Collections.unmodifiableList(Arrays.asList(parts).subList(1, parts.length));
        if (Character.isDigit(parts[0].charAt(0)) && !allDigits(parts[0])) {
            throw new IllegalArgumentException("template '" + template + "': {" + body + "} is not a position");
        }
        if (each && !path.isEmpty()) {
            throw new IllegalArgumentException("template '" + template + "': {" + body + "}: " + EACH
                    + " must follow a parameter itself, not a property path (the method is called with the missing"
                    + " elements in place of that parameter)");
        }
        return new Placeholder(parts[0], path, each);
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIdentifier(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isJavaIdentifierPart(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The template text as written. */
    public String source() {
        return source;
    }

    /** Literal texts; there is always one more literal than placeholders (possibly empty). */
    public List<String> literals() {
        return literals;
    }

    public List<Placeholder> placeholders() {
        return placeholders;
    }

    /** Whether any placeholder reads the return value. */
    public boolean usesReturn() {
        for (Placeholder placeholder : placeholders) {
            if (placeholder.isReturn()) {
                return true;
            }
        }
        return false;
    }

    /** The literal text before the first placeholder. */
    public String literalPrefix() {
        return literals.get(0);
    }

    @Override
    public String toString() {
        return source;
    }
}
