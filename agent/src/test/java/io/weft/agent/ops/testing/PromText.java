package io.weft.agent.ops.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: it rejects what Prometheus
 * would reject (bad names, bad escapes, TYPE after samples, a family split in two groups, duplicate
 * series, unparsable values) and checks the invariants of histograms (cumulative buckets, a {@code +Inf}
 * bucket equal to {@code _count}). Tests then read values by name and labels, never by string search.
 */
public final class PromText {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?(NaN|Inf|((\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?))");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One metric family: its TYPE, HELP and samples, in order. */
    public static final class Family {
        public final String name;
        public String type = "untyped";
        public String help;
        boolean typeSet;
        public final List<Sample> samples = new ArrayList<>();

        Family(String name) {
            this.name = name;
        }
    }

    /** One sample line. */
    public static final class Sample {
        public final String name;
        public final Map<String, String> labels;
        public final double value;

        Sample(String name, Map<String, String> labels, double value) {
            this.name = name;
            this.labels = Collections.unmodifiableMap(labels);
            this.value = value;
        }

        @Override
        public String toString() {
            return name + labels + " " + value;
        }
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private PromText() {
    }

    /** Parses {@code text}, throwing {@link IllegalArgumentException} (with the line number) on anything invalid. */
    public static PromText parse(String text) {
        PromText result = new PromText();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        String[] lines = text.split("\n", -1);
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        Family current = null;
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int number = i + 1;
            try {
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    String[] parts = line.split(" ", 4);
                    if (parts.length >= 3 && parts[0].equals("#") && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                        String name = parts[2];
                        require(METRIC_NAME.matcher(name).matches(), "bad metric name " + name);
                        Family family = result.families.get(name);
                        if (family == null) {
                            family = new Family(name);
                            result.families.put(name, family);
                        }
                        require(!closed.contains(name), "metadata of " + name + " after its group ended");
                        if (current != null && current != family) {
                            closed.add(current.name);
                        }
                        current = family;
                        if (parts[1].equals("HELP")) {
                            require(family.help == null, "second HELP for " + name);
                            family.help = unescapeHelp(parts.length == 4 ? parts[3] : "");
                        } else {
                            require(parts.length == 4 && TYPES.contains(parts[3]), "bad TYPE line");
                            require(family.samples.isEmpty(), "TYPE of " + name + " after its samples");
                            require(!family.typeSet, "second TYPE for " + name);
                            family.type = parts[3];
                            family.typeSet = true;
                        }
                    }
                    continue;
                }
                Sample sample = sample(line);
                Family family = result.familyOf(sample.name);
                require(!closed.contains(family.name), "samples of " + family.name + " in two groups");
                if (current != null && current != family) {
                    closed.add(current.name);
                }
                current = family;
                require(series.add(sample.name + new TreeMap<>(sample.labels)), "duplicate series " + sample);
                checkSuffix(family, sample);
                family.samples.add(sample);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + ": " + e.getMessage() + ": " + line, e);
            }
        }
        result.families.values().forEach(PromText::checkHistogram);
        return result;
    }

    /** The family a sample belongs to: its own name, or a histogram/summary whose name it extends. */
    private Family familyOf(String sampleName) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (sampleName.endsWith(suffix)) {
                Family base = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                if (base != null && (base.type.equals("histogram") || base.type.equals("summary") && !suffix.equals("_bucket"))) {
                    return base;
                }
            }
        }
        return families.computeIfAbsent(sampleName, Family::new);
    }

    private static void checkSuffix(Family family, Sample sample) {
        if (family.type.equals("histogram")) {
            require(!sample.name.equals(family.name), "histogram " + family.name + " has a plain sample");
            if (sample.name.endsWith("_bucket")) {
                require(sample.labels.containsKey("le"), "bucket without le");
                parseFloat(sample.labels.get("le"));
            } else {
                require(!sample.labels.containsKey("le"), "le outside a bucket");
            }
        } else if (family.type.equals("summary")) {
            if (sample.name.equals(family.name)) {
                require(sample.labels.containsKey("quantile"), "summary sample without quantile");
            }
        } else {
            require(sample.name.equals(family.name), "sample " + sample.name + " in family " + family.name);
        }
    }

    private static void checkHistogram(Family family) {
        if (!family.type.equals("histogram")) {
            return;
        }
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample sample : family.samples) {
            Map<String, String> key = new TreeMap<>(sample.labels);
            key.remove("le");
            if (sample.name.endsWith("_bucket")) {
                buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(sample);
            } else if (sample.name.endsWith("_count")) {
                counts.put(key, sample.value);
            }
        }
        for (Map.Entry<Map<String, String>, List<Sample>> entry : buckets.entrySet()) {
            double previousLe = Double.NEGATIVE_INFINITY;
            double previous = 0;
            for (Sample bucket : entry.getValue()) {
                double le = parseFloat(bucket.labels.get("le"));
                require(le > previousLe, family.name + ": buckets out of order at le=" + bucket.labels.get("le"));
                require(bucket.value >= previous, family.name + ": buckets not cumulative at le=" + bucket.labels.get("le"));
                previousLe = le;
                previous = bucket.value;
            }
            require(previousLe == Double.POSITIVE_INFINITY, family.name + entry.getKey() + ": no +Inf bucket");
            require(counts.containsKey(entry.getKey()) && counts.get(entry.getKey()) == previous,
                    family.name + entry.getKey() + ": _count differs from the +Inf bucket");
        }
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        require(METRIC_NAME.matcher(name).matches(), "bad metric name '" + name + "'");
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                require(i < line.length(), "unterminated labels");
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int start = i;
                while (i < line.length() && line.charAt(i) != '=') {
                    i++;
                }
                String label = line.substring(start, i);
                require(LABEL_NAME.matcher(label).matches() && !label.startsWith("__"), "bad label name '" + label + "'");
                require(i + 1 < line.length() && line.charAt(i + 1) == '"', "label value must be quoted");
                i += 2;
                StringBuilder value = new StringBuilder();
                while (true) {
                    require(i < line.length(), "unterminated label value");
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        require(i < line.length(), "dangling escape");
                        char e = line.charAt(i++);
                        require(e == '\\' || e == '"' || e == 'n', "bad escape \\" + e);
                        value.append(e == 'n' ? '\n' : e);
                    } else {
                        value.append(c);
                    }
                }
                require(labels.put(label, value.toString()) == null, "label " + label + " twice");
                require(i < line.length(), "unterminated labels");
                if (line.charAt(i) == ',') {
                    i++;
                } else {
                    require(line.charAt(i) == '}', "expected , or } after a label");
                }
            }
        }
        require(i < line.length() && line.charAt(i) == ' ', "expected a space before the value");
        String[] rest = line.substring(i + 1).split(" ", -1);
        require(rest.length == 1 || rest.length == 2, "expected a value and an optional timestamp");
        double value = parseFloat(rest[0]);
        if (rest.length == 2) {
            require(rest[1].matches("-?\\d+"), "bad timestamp " + rest[1]);
        }
        return new Sample(name, labels, value);
    }

    private static double parseFloat(String text) {
        require(FLOAT.matcher(text).matches(), "bad value '" + text + "'");
        if (text.endsWith("Inf")) {
            return text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return text.endsWith("NaN") ? Double.NaN : Double.parseDouble(text);
    }

    private static String unescapeHelp(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                require(i + 1 < text.length(), "dangling escape in HELP");
                char e = text.charAt(++i);
                require(e == '\\' || e == 'n', "bad escape \\" + e + " in HELP");
                sb.append(e == 'n' ? '\n' : '\\');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Every family by name, in the order they appeared. */
    public Map<String, Family> families() {
        return Collections.unmodifiableMap(families);
    }

    /** The family called {@code name}; fails when there is none. */
    public Family family(String name) {
        Family family = families.get(name);
        if (family == null) {
            throw new AssertionError("no metric family " + name + " in " + families.keySet());
        }
        return family;
    }

    /** The value of the one sample called {@code name} with exactly these labels ({@code k, v, k, v …}). */
    public double value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (Family family : families.values()) {
            for (Sample sample : family.samples) {
                if (sample.name.equals(name) && new TreeMap<>(sample.labels).equals(wanted)) {
                    return sample.value;
                }
            }
        }
        throw new AssertionError("no sample " + name + wanted);
    }

    /** Whether a sample called {@code name} exists (with any labels). */
    public boolean has(String name) {
        return families.values().stream().anyMatch(f -> f.samples.stream().anyMatch(s -> s.name.equals(name)));
    }
}
