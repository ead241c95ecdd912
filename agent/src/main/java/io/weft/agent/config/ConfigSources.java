package io.weft.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where settings come from, in SPEC §4's order: system property (agent arguments count as system
 * properties that a {@code -D} flag overrides) &gt; environment variable &gt; the properties file named
 * by {@code weft.config} &gt; default.
 */
public final class ConfigSources {

    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Map<String, String> file;
    private final String fileProblem;

    ConfigSources(Map<String, String> properties, Map<String, String> environment, Map<String, String> file,
            String fileProblem) {
        this.properties = properties;
        this.environment = environment;
        this.file = file;
        this.fileProblem = fileProblem;
    }

    /** Reads the live JVM: agent arguments ({@code k=v;k=v}), system properties, environment, file. */
    public static ConfigSources fromJvm(String agentArgs) {
        Map<String, String> props = new LinkedHashMap<>(parseAgentArgs(agentArgs));
        Properties system = System.getProperties();
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("weft.")) {
                props.put(name, system.getProperty(name));
            }
        }
        return of(props, System.getenv());
    }

    /** Builds sources from explicit maps, reading the file that {@code weft.config} names, if any. */
    public static ConfigSources of(Map<String, String> properties, Map<String, String> environment) {
        String path = properties.get("weft.config");
        if (path == null) {
            path = environment.get(envName("weft.config"));
        }
        Map<String, String> file = new LinkedHashMap<>();
        String problem = null;
        if (path != null && !path.isBlank()) {
            Path p = Paths.get(path.trim());
            try (Reader reader = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                Properties loaded = new Properties();
                loaded.load(reader);
                for (String name : loaded.stringPropertyNames()) {
                    file.put(name, loaded.getProperty(name));
                }
            } catch (IOException | IllegalArgumentException e) {
                problem = "weft.config: cannot read '" + p + "' (" + e + "); its settings are ignored";
            }
        }
        return new ConfigSources(properties, environment, file, problem);
    }

    /** Splits {@code k=v;k=v} agent arguments; an entry without {@code =} is read as {@code k=true}. */
    static Map<String, String> parseAgentArgs(String agentArgs) {
        Map<String, String> result = new LinkedHashMap<>();
        if (agentArgs == null) {
            return result;
        }
        for (String part : agentArgs.split(";")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String name = eq < 0 ? entry : entry.substring(0, eq).trim();
            result.put(name.startsWith("weft.") ? name : "weft." + name, eq < 0 ? "true" : entry.substring(eq + 1).trim());
        }
        return result;
    }

    /** The environment variable that carries a property: upper case, every non-alphanumeric character as {@code _}. */
    public static String envName(String property) {
        StringBuilder sb = new StringBuilder(property.length());
        for (int i = 0; i < property.length(); i++) {
            char c = property.charAt(i);
            sb.append(c < 128 && Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return sb.toString();
    }

    /** The value of {@code name} from the first source that sets it, or {@code null}. */
    public String get(String name) {
        String value = properties.get(name);
        if (value == null) {
            value = environment.get(envName(name));
        }
        if (value == null) {
            value = file.get(name);
        }
        return value;
    }

    /**
     * Whether {@code weft.enabled} is {@code false} in these sources, read as {@link WeftConfig} reads it (anything
     * but true or false leaves the agent on): the launcher's check, which must not cost the parsing of every setting.
     */
    public boolean disabled() {
        String value = get(Setting.ENABLED.key());
        return value != null && value.trim().equalsIgnoreCase("false");
    }

    /** A problem reading the file named by {@code weft.config}, or {@code null}. */
    String fileProblem() {
        return fileProblem;
    }

    /** Every {@code weft.*} property name set in a property or the file. */
    Set<String> propertyNames() {
        Set<String> names = new TreeSet<>(properties.keySet());
        for (String name : file.keySet()) {
            if (name.startsWith("weft.")) {
                names.add(name);
            }
        }
        return names;
    }

    /** Every {@code WEFT_*} environment variable name. */
    Set<String> environmentNames() {
        Set<String> names = new TreeSet<>();
        for (String name : environment.keySet()) {
            if (name.toUpperCase(Locale.ROOT).startsWith("WEFT_")) {
                names.add(name);
            }
        }
        return names;
    }
}
