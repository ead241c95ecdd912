package io.weft.benchmarks.http;

import io.weft.benchmarks.fixtures.SampleAppPort;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user of the sample service feels (issue 14 §5): closed-loop HTTP clients on loopback drive a realistic
 * mix for a fixed time against the service started without the agent, with Weft (L1 only), and with Weft and a
 * Redis: 80 % reads of one of 1,000 readers' shelves ({@code GET /api/v1/storybook/books?user=}), 10 % reads of the
 * voices list (a remote call of 200 ms behind the service), 10 % writes (a new book on a shelf, which evicts that
 * shelf). Reports per variant requests/s, p50/p99 latency overall and per kind, and the hit ratio (reads that ran
 * no backend call, from the service's {@code /internal/stats}).
 *
 * <pre>
 * java -cp benchmarks.jar io.weft.benchmarks.http.HttpLoad --app sample-app.jar --agent weft-agent.jar
 *     [--redis redis://127.0.0.1:PORT] [--seconds 20] [--warmup 5] [--clients 8] [--out http.json]
 * </pre>
 */
public final class HttpLoad {

    private static final int READERS = 1_000;
    private static final Pattern COUNT = Pattern.compile("\"(getBooks|getVoices)\":(\\d+)");

    private enum Kind { SHELF, VOICES, WRITE }

    private record Variant(String name, List<String> jvmArgs) {
    }

    private HttpLoad() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            opts.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        String java = opts.getOrDefault("java", System.getProperty("java.home") + "/bin/java");
        File app = new File(require(opts, "app"));
        File agent = new File(require(opts, "agent"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "20"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5"));
        int clients = Integer.parseInt(opts.getOrDefault("clients", "8"));
        List<Variant> variants = new ArrayList<>(List.of(
                new Variant("no agent", List.of()),
                new Variant("Weft, L1 only", List.of("-javaagent:" + agent.getAbsolutePath()))));
        if (opts.containsKey("redis")) {
            variants.add(new Variant("Weft + Redis", List.of("-javaagent:" + agent.getAbsolutePath(),
                    "-Dweft.redis.uri=" + opts.get("redis"), "-Dweft.namespace=http-load-" + UUID.randomUUID() + ":")));
        }
        List<String> results = new ArrayList<>();
        for (Variant variant : variants) {
            results.add(run(java, app, variant, warmup, seconds, clients));
        }
        String json = "{\"clients\":" + clients + ",\"seconds\":" + seconds + ",\"variants\":[" + String.join(",", results)
                + "]}";
        if (opts.containsKey("out")) {
            try (PrintStream out = new PrintStream(opts.get("out"), StandardCharsets.UTF_8)) {
                out.println(json);
            }
            System.out.println("wrote " + opts.get("out"));
        }
        if (json.matches(".*\"errors\":[1-9].*")) {
            throw new IllegalStateException("requests failed under load (see \"errors\" above): the service is broken");
        }
    }

    private static String run(String java, File app, Variant variant, int warmup, int seconds, int clients)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        command.addAll(variant.jvmArgs());
        command.addAll(List.of("-Dsample.port=0", "-Dsample.seed.readers=" + READERS, "-jar", app.getAbsolutePath()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String base = "http://127.0.0.1:" + SampleAppPort.await(process.getInputStream(), variant.name());
            drive(base, clients, TimeUnit.SECONDS.toNanos(warmup));
            long[] before = backendCalls(base);
            Recorder[] recorders = drive(base, clients, TimeUnit.SECONDS.toNanos(seconds));
            long[] after = backendCalls(base);
            return report(variant.name(), recorders, seconds, after[0] - before[0], after[1] - before[1]);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Runs {@code clients} closed-loop clients for {@code nanos}; returns what each recorded. */
    private static Recorder[] drive(String base, int clients, long nanos) throws InterruptedException {
        Recorder[] recorders = new Recorder[clients];
        Thread[] threads = new Thread[clients];
        long end = System.nanoTime() + nanos;
        for (int i = 0; i < clients; i++) {
            Recorder recorder = new Recorder();
            recorders[i] = recorder;
            threads[i] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    recorder.request(base);
                }
            }, "http-load-" + i);
            threads[i].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return recorders;
    }

    /** One client's latencies by kind, in µs. */
    private static final class Recorder {
        final long[][] micros = new long[Kind.values().length][1 << 16];
        final int[] counts = new int[Kind.values().length];
        int errors;

        void request(String base) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int draw = random.nextInt(10);
            Kind kind = draw < 8 ? Kind.SHELF : draw == 8 ? Kind.VOICES : Kind.WRITE;
            UUID reader = new UUID(0x10adL, random.nextInt(READERS));
            long start = System.nanoTime();
            try {
                int status = switch (kind) {
                    case SHELF -> call("GET", base + "/api/v1/storybook/books?user=" + reader, null);
                    case VOICES -> call("GET", base + "/api/v1/tts/voices", null);
                    case WRITE -> call("POST", base + "/api/v1/storybook/books?user=" + reader,
                            "{\"title\":\"A new tale\",\"author\":\"Load Run\"}");
                };
                if (status >= 400) {
                    errors++;
                    return;
                }
            } catch (IOException e) {
                errors++;
                return;
            }
            record(kind, (System.nanoTime() - start) / 1_000);
        }

        private void record(Kind kind, long latencyMicros) {
            int k = kind.ordinal();
            if (counts[k] == micros[k].length) {
                micros[k] = Arrays.copyOf(micros[k], counts[k] * 2);
            }
            micros[k][counts[k]++] = latencyMicros;
        }
    }

    private static int call(String method, String url, String body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(30_000);
        if (body != null) {
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = connection.getResponseCode();
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in != null) {
                in.transferTo(OutputStream.nullOutputStream()); // read to the end, so the connection is reused
            }
        }
        return status;
    }

    /** The service's backend calls so far: {getBooks, getVoices}. */
    private static long[] backendCalls(String base) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(base + "/internal/stats").openConnection();
        String stats;
        try (InputStream in = connection.getInputStream()) {
            stats = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        long[] calls = new long[2];
        Matcher m = COUNT.matcher(stats);
        while (m.find()) {
            calls[m.group(1).equals("getBooks") ? 0 : 1] = Long.parseLong(m.group(2));
        }
        return calls;
    }

    private static String report(String name, Recorder[] recorders, int seconds, long bookLoads, long voiceLoads) {
        long[][] byKind = new long[Kind.values().length][];
        int errors = 0;
        for (Kind kind : Kind.values()) {
            int total = 0;
            for (Recorder r : recorders) {
                total += r.counts[kind.ordinal()];
            }
            long[] all = new long[total];
            int at = 0;
            for (Recorder r : recorders) {
                System.arraycopy(r.micros[kind.ordinal()], 0, all, at, r.counts[kind.ordinal()]);
                at += r.counts[kind.ordinal()];
            }
            Arrays.sort(all);
            byKind[kind.ordinal()] = all;
        }
        for (Recorder r : recorders) {
            errors += r.errors;
        }
        long[] every = concat(byKind);
        long reads = byKind[Kind.SHELF.ordinal()].length + byKind[Kind.VOICES.ordinal()].length;
        double hitRatio = reads == 0 ? 0 : 1.0 - (double) (bookLoads + voiceLoads) / reads;
        String line = String.format(Locale.ROOT,
                "%-14s %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms | shelf p50 %6.2f p99 %7.2f | voices p50 %7.2f p99 %7.2f"
                        + " | write p50 %6.2f | hit ratio %5.1f %% | errors %d",
                name, (double) every.length / seconds, ms(every, 0.50), ms(every, 0.99),
                ms(byKind[0], 0.50), ms(byKind[0], 0.99), ms(byKind[1], 0.50), ms(byKind[1], 0.99), ms(byKind[2], 0.50),
                hitRatio * 100, errors);
        System.out.println(line);
        return String.format(Locale.ROOT, "{\"variant\":\"%s\",\"requestsPerSecond\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,"
                        + "\"shelfP50Ms\":%.3f,\"shelfP99Ms\":%.3f,\"voicesP50Ms\":%.3f,\"voicesP99Ms\":%.3f,"
                        + "\"writeP50Ms\":%.3f,\"hitRatio\":%.4f,\"requests\":%d,\"errors\":%d}",
                name, (double) every.length / seconds, ms(every, 0.50), ms(every, 0.99), ms(byKind[0], 0.50),
                ms(byKind[0], 0.99), ms(byKind[1], 0.50), ms(byKind[1], 0.99), ms(byKind[2], 0.50), hitRatio,
                every.length, errors);
    }

    private static long[] concat(long[][] parts) {
        long[] all = new long[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (long[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        Arrays.sort(all);
        return all;
    }

    /** The {@code quantile} of sorted µs values, in ms. */
    private static double ms(long[] sortedMicros, double quantile) {
        if (sortedMicros.length == 0) {
            return 0;
        }
        return sortedMicros[(int) Math.min(sortedMicros.length - 1, Math.floor(quantile * sortedMicros.length))] / 1000.0;
    }

    private static String require(Map<String, String> opts, String name) {
        String value = opts.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
