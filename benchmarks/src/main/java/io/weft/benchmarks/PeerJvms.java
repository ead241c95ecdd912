package io.weft.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What the benchmarks that start peer JVMs on one private Redis share (the cross-instance eviction delay, the
 * cold-key stampede): reading a peer's output, emptying that Redis between variants, percentiles, the JSON file.
 */
public final class PeerJvms {

    private PeerJvms() {
    }

    /**
     * The command line of a benchmark that starts peer JVMs: {@code --redis URI --agent <weft-agent.jar>} (required),
     * {@code --out <file.json>}, {@code --java PATH}, {@code --label TEXT}, and the benchmark's own {@code --name value}
     * options.
     */
    public static final class Options {
        private static final List<String> COMMON = List.of("redis", "agent", "out", "java", "label");
        private final Map<String, String> values = new HashMap<>();

        /**
         * @param usage the benchmark's own options, for the message about an unknown one ({@code "[--rounds N]"})
         * @param own their names, without the dashes
         */
        public static Options parse(String[] argv, String usage, String... own) {
            Options options = new Options();
            for (int i = 0; i < argv.length; i++) {
                String name = argv[i].startsWith("--") ? argv[i].substring(2) : "";
                if (i + 1 == argv.length || !(COMMON.contains(name) || Arrays.asList(own).contains(name))) {
                    throw new IllegalArgumentException("unknown argument " + argv[i] + "; usage: --redis URI --agent"
                            + " <weft-agent.jar> --out <file.json> " + usage + " [--java PATH] [--label TEXT]");
                }
                options.values.put(name, argv[++i]);
            }
            if (options.redis() == null || options.agent() == null || !new File(options.agent()).isFile()) {
                throw new IllegalArgumentException("--redis and --agent (the built weft-agent.jar) are required");
            }
            return options;
        }

        public String redis() {
            return values.get("redis");
        }

        /** The agent jar as given. */
        public String agent() {
            return values.get("agent");
        }

        /** The result file, or {@code null}: none written. */
        public String out() {
            return values.get("out");
        }

        /** The peers' {@code java}: this JVM's by default. */
        public String java() {
            return values.getOrDefault("java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }

        public String label() {
            return values.getOrDefault("label", "");
        }

        public String get(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        public int integer(String name, int fallback) {
            return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
        }
    }

    /** Wall-clock microseconds: comparable between the JVMs of one host. */
    public static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * Reads the standard output (and error) of {@code process} on a daemon thread: each line goes to {@code consume};
     * those it does not take (false) are printed with the peer's {@code name}, except the agent's and SLF4J's notices.
     */
    public static Thread pump(Process process, String name, Predicate<String> consume) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!consume.test(line) && !line.startsWith("SLF4J(W)") && !line.startsWith("[weft] INFO")) {
                        System.out.println("[" + name + "] " + line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "pump " + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Nearest-rank percentile of sorted values; -1 when there are none. */
    public static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Empties the private Redis at {@code uri} between variants; refuses the default port (a shared server). */
    public static void flushPrivateRedis(String uri) {
        if (RedisURI.create(uri).getPort() == 6379) {
            throw new IllegalArgumentException("refusing to FLUSHALL " + uri + ": give a private redis-server on another"
                    + " port (benchmarks/run.sh starts one)");
        }
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().flushall();
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** {@code text} as a JSON string, quotes included. */
    public static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Writes the result file named by {@code --out} (its folder made if need be) and says so; nothing without one:
     * {@code {"date", "label", <fields>, "java", "variants": [<variants>]}}.
     *
     * @param fields the benchmark's own fields, each {@code "name": value}
     * @param variants a JSON object per variant
     */
    public static void writeResult(Options options, List<String> fields, List<String> variants) throws IOException {
        if (options.out() == null) {
            return;
        }
        File file = new File(options.out());
        if (file.getParentFile() != null) {
            file.getParentFile().mkdirs();
        }
        StringBuilder json = new StringBuilder("{\n  \"date\": \"" + Instant.now() + "\",\n  \"label\": "
                + quote(options.label()) + ",\n");
        for (String field : fields) {
            json.append("  ").append(field).append(",\n");
        }
        json.append("  \"java\": ").append(quote(System.getProperty("java.vm.version"))).append(",\n  \"variants\": [\n")
                .append(String.join(",\n", variants)).append("\n  ]\n}\n");
        Files.writeString(file.toPath(), json, StandardCharsets.UTF_8);
        System.out.println("wrote " + file);
    }
}
