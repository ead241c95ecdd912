package io.weft.agent.ops;

import java.util.List;
import java.util.Map;

/** A small streaming JSON writer: objects, arrays, strings (escaped), numbers and booleans. */
final class Json {

    private final StringBuilder out = new StringBuilder(2048);
    private boolean first = true;

    Json object() {
        comma();
        out.append('{');
        first = true;
        return this;
    }

    Json object(String name) {
        name(name);
        out.append('{');
        first = true;
        return this;
    }

    Json end() {
        out.append('}');
        first = false;
        return this;
    }

    Json array(String name) {
        name(name);
        out.append('[');
        first = true;
        return this;
    }

    Json endArray() {
        out.append(']');
        first = false;
        return this;
    }

    Json field(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        first = false;
        return this;
    }

    Json field(String name, long value) {
        name(name);
        out.append(value);
        first = false;
        return this;
    }

    Json field(String name, double value) {
        name(name);
        out.append(Double.isFinite(value) ? Double.toString(value) : "null");
        first = false;
        return this;
    }

    Json field(String name, boolean value) {
        name(name);
        out.append(value);
        first = false;
        return this;
    }

    Json field(String name, List<String> values) {
        array(name);
        for (String value : values) {
            comma();
            string(value);
            first = false;
        }
        return endArray();
    }

    Json field(String name, Map<String, Long> counts) {
        object(name);
        for (Map.Entry<String, Long> count : counts.entrySet()) {
            field(count.getKey(), count.getValue().longValue());
        }
        return end();
    }

    private void name(String name) {
        comma();
        string(name);
        out.append(':');
        first = true;
    }

    private void comma() {
        if (!first) {
            out.append(',');
        }
        first = false;
    }

    private void string(String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
