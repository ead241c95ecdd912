package io.weft.benchmarks.startup;

import io.weft.benchmarks.fixtures.SampleAppPort;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Time to first served request of the sample service, per agent variant: from just before the
 * process is started to the end of a successful {@code GET /api/v1/user/me?user=…} (a request served
 * by a woven {@code @CacheResult} method). Runs are interleaved: every round starts each variant once, in
 * an order rotated by one each round, after one discarded warm-up round. Not JMH: each measurement is a
 * fresh JVM. With {@code --hello weft-benchmarks-hello.jar} it measures a hello world with one {@code @CacheResult}
 * method instead, from start to exit, and the Byte Buddy variant weaves that one method (issue 14 §4).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.weft.benchmarks.startup.Startup --app sample-app/target/weft-sample-app.jar \
 *      --weft agent/target/weft-agent.jar --empty-agent benchmarks/target/weft-benchmarks-empty-agent.jar \
 *      --bytebuddy-agent benchmarks/target/bytebuddy-agent.jar [--rounds 20] [--warmup-rounds 1] [--out startup.json]
 *      [--hello benchmarks/target/weft-benchmarks-hello.jar]
 *      [--label "what was measured"] [--java /path/to/bin/java] [--variants no-agent,empty-premain,...]
 * </pre>
 */
public final class Startup {

    private static final String FIRST_REQUEST = "/api/v1/user/me?user=11111111-1111-1111-1111-111111111111";
    private static final long TIMEOUT_MS = 60_000;

    private record Variant(String name, String description, List<String> jvmArgs, String requiredLog) {
    }

    private record Run(double firstRequestMs, double readyMs) {
    }

    private Startup() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected " + argv[i]);
            }
            opts.put(argv[i].substring(2), argv[i + 1]);
        }
        String java = opts.getOrDefault("java", System.getProperty("java.home") + "/bin/java");
        File weft = existing(opts.get("weft"), "--weft (agent/target/weft-agent.jar)");
        File empty = existing(opts.get("empty-agent"), "--empty-agent");
        File byteBuddy = existing(opts.get("bytebuddy-agent"), "--bytebuddy-agent");
        File hello = opts.containsKey("hello") ? existing(opts.get("hello"), "--hello") : null;
        File app = hello != null ? null : existing(opts.get("app"), "--app (sample-app/target/weft-sample-app.jar)");
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "20"));
        int warmupRounds = Integer.parseInt(opts.getOrDefault("warmup-rounds", "1"));

        List<Variant> variants = List.of(
                new Variant("no-agent", "no agent", List.of(), null),
                new Variant("empty-premain", "-javaagent with an empty premain",
                        List.of("-javaagent:" + empty.getAbsolutePath()), null),
                hello == null
                        ? new Variant("bytebuddy-noop", "bare Byte Buddy AgentBuilder matching nothing",
                                List.of("-javaagent:" + byteBuddy.getAbsolutePath()), null)
                        : new Variant("bytebuddy-weave-one", "bare Byte Buddy AgentBuilder weaving one method",
                                List.of("-javaagent:" + byteBuddy.getAbsolutePath() + "=weave:" + Hello.class.getName()
                                        + "#greet"), null),
                new Variant("weft", "Weft",
                        List.of("-javaagent:" + weft.getAbsolutePath()), "[weft] INFO wove "),
                new Variant("weft-disabled", "Weft with -Dweft.enabled=false",
                        List.of("-javaagent:" + weft.getAbsolutePath(), "-Dweft.enabled=false"), "disabled"));

        if (opts.containsKey("variants")) {
            List<String> wanted = List.of(opts.get("variants").split(","));
            if (!wanted.contains("no-agent")) {
                throw new IllegalArgumentException("--variants must include no-agent, the baseline of every overhead");
            }
            variants = variants.stream().filter(v -> wanted.contains(v.name())).toList();
        }

        Map<String, List<Run>> runs = new LinkedHashMap<>();
        variants.forEach(v -> runs.put(v.name(), new ArrayList<>()));
        for (int round = -warmupRounds; round < rounds; round++) {
            for (int k = 0; k < variants.size(); k++) {
                Variant variant = variants.get(Math.floorMod(round + k, variants.size()));
                Run run = hello == null ? measure(java, app, variant) : measureHello(java, hello, variant);
                if (round >= 0) {
                    runs.get(variant.name()).add(run);
                }
            }
            System.err.printf(Locale.ROOT, "startup: %s round %d of %d done%n", round < 0 ? "warm-up" : "measured",
                    round < 0 ? round + warmupRounds + 1 : round + 1, round < 0 ? warmupRounds : rounds);
        }

        String javaVersion = javaVersion(java);
        double base = median(runs.get("no-agent"));
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"java\": \"").append(escape(javaVersion)).append("\",\n");
        json.append("  \"cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        json.append("  \"rounds\": ").append(rounds).append(",\n");
        json.append("  \"warmupRounds\": ").append(warmupRounds).append(",\n");
        json.append("  \"build\": \"").append(escape(opts.getOrDefault("label", ""))).append("\",\n");
        json.append("  \"firstRequest\": \"").append(escape(hello == null ? FIRST_REQUEST
                : "none: a hello world with one @CacheResult method, measured from start to exit")).append("\",\n");
        json.append("  \"variants\": [\n");
        System.out.printf(Locale.ROOT, "%-16s %-46s %10s %10s %10s %10s%n", "variant", "", "median ms", "overhead",
                "min ms", "max ms");
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            List<Run> list = runs.get(v.name());
            double median = median(list);
            double[] first = list.stream().mapToDouble(Run::firstRequestMs).sorted().toArray();
            double[] ready = list.stream().mapToDouble(Run::readyMs).toArray();
            System.out.printf(Locale.ROOT, "%-16s %-46s %10.1f %+10.1f %10.1f %10.1f%n", v.name(), v.description(),
                    median, median - base, first[0], first[first.length - 1]);
            json.append("    {\"name\": \"").append(v.name())
                    .append("\", \"description\": \"").append(escape(v.description()))
                    .append("\", \"jvmArgs\": \"").append(escape(String.join(" ", v.jvmArgs())))
                    .append("\", \"medianFirstRequestMs\": ").append(format(median))
                    .append(", \"overheadMs\": ").append(format(median - base))
                    .append(", \"medianReadyMs\": ").append(format(medianOf(ready)))
                    .append(", \"firstRequestMs\": ").append(array(list.stream().mapToDouble(Run::firstRequestMs).toArray()))
                    .append(", \"readyMs\": ").append(array(ready))
                    .append(i + 1 < variants.size() ? "},\n" : "}\n");
        }
        json.append("  ]\n}\n");
        String out = opts.get("out");
        if (out != null) {
            File file = new File(out);
            if (file.getParentFile() != null) {
                file.getParentFile().mkdirs();
            }
            Files.writeString(file.toPath(), json.toString());
            System.out.println("wrote " + file);
        }
    }

    private static Run measure(String java, File app, Variant variant) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(variant.jvmArgs());
        command.addAll(List.of("-Dsample.port=0", "-jar", app.getAbsolutePath()));
        File log = File.createTempFile("weft-startup-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            int port = SampleAppPort.await(process.getInputStream(), variant.name());
            long ready = System.nanoTime();
            get(port);
            long served = System.nanoTime();
            String stderr = Files.readString(log.toPath());
            if (variant.requiredLog() != null && !stderr.contains(variant.requiredLog())) {
                throw new IllegalStateException(variant.name() + ": the agent did not log \"" + variant.requiredLog()
                        + "\"; its standard error was:\n" + stderr);
            }
            return new Run((served - start) / 1e6, (ready - start) / 1e6);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(log.toPath());
        }
    }

    /** From just before the hello world is started to its exit, with its output checked. */
    private static Run measureHello(String java, File hello, Variant variant) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(variant.jvmArgs());
        command.addAll(List.of("-cp", hello.getAbsolutePath(), Hello.class.getName()));
        File log = File.createTempFile("weft-startup-hello-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            long start = System.nanoTime();
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(variant.name() + ": the hello world did not exit");
            }
            long exited = System.nanoTime();
            String stderr = Files.readString(log.toPath());
            if (process.exitValue() != 0 || !out.contains("hello world")) {
                throw new IllegalStateException(variant.name() + ": the hello world failed (exit " + process.exitValue()
                        + "), standard output:\n" + out + "\nstandard error:\n" + stderr);
            }
            if (variant.requiredLog() != null && !stderr.contains(variant.requiredLog())) {
                throw new IllegalStateException(variant.name() + ": the agent did not log \"" + variant.requiredLog()
                        + "\"; its standard error was:\n" + stderr);
            }
            double ms = (exited - start) / 1e6;
            return new Run(ms, ms);
        } finally {
            Files.deleteIfExists(log.toPath());
        }
    }

    private static void get(int port) throws IOException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + FIRST_REQUEST)
                    .openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout((int) TIMEOUT_MS);
            try {
                int status = connection.getResponseCode();
                try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                    if (body != null) {
                        body.readAllBytes();
                    }
                }
                if (status == 200) {
                    return;
                }
                throw new IllegalStateException("GET " + FIRST_REQUEST + " answered " + status);
            } catch (java.net.ConnectException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
            } finally {
                connection.disconnect();
            }
        }
    }

    private static double median(List<Run> runs) {
        return medianOf(runs.stream().mapToDouble(Run::firstRequestMs).toArray());
    }

    private static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String javaVersion(String java) throws Exception {
        Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return text.replace('\n', ';');
    }

    private static File existing(String path, String what) {
        if (path == null || !new File(path).isFile()) {
            throw new IllegalArgumentException(what + " must name an existing file, got " + path);
        }
        return new File(path);
    }

    private static String array(double[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(format(values[i]));
        }
        return sb.append(']').toString();
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
