package io.weft.sample.demo;

import io.weft.sample.store.Seed;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Shows what the agent does to the sample app: starts it in a child JVM, measures the first and the
 * repeated latency of its cached endpoints and their hit ratio (from the app's own body-run
 * counters), then shows that a write evicts the entry it changed. Exits non-zero if anything fails.
 *
 * <p>Usage: {@code java -cp weft-sample-app.jar io.weft.sample.demo.DemoDriver <agent.jar|none> [child JVM options...]}
 */
public final class DemoDriver {

    private static final int REPEATS = 200;
    private static final int WARM_UP_ROUNDS = 50;
    private static final String GET_BOOK_RUNS = "/dbLoads/getBook";
    /** The voices list's {@code refreshAfter} in the demo (its TTL is an hour): hits older than this reload it. */
    private static final String REFRESH_AFTER = "2s";
    private static final String VOICE_CALLS = "/remoteCalls/getVoices";
    private static final String ROW_FORMAT = "%-44s %11s %14s %10s %11s%n";

    private final PrintStream out;
    private final boolean withAgent;
    private final DemoClient app;

    private DemoDriver(PrintStream out, boolean withAgent, int port) {
        this.out = out;
        this.withAgent = withAgent;
        this.app = new DemoClient(port);
    }

    /** One measured endpoint. */
    private record Row(String endpoint, double firstMs, double repeatedP50Ms, long bodyRuns, int requests) {
        double hitRatio() {
            return 1 - (double) bodyRuns / requests;
        }
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        if (args.length == 0) {
            System.err.println("usage: DemoDriver <path/to/weft-agent.jar | none> [child JVM options...]");
            System.exit(2);
        }
        try {
            Path agent = args[0].equals("none") ? null : Path.of(args[0]);
            if (agent != null && !Files.isRegularFile(agent)) {
                throw new IllegalStateException("no agent jar at " + agent + " (build it first, or pass none)");
            }
            Path appJar = Path.of(DemoDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(appJar)) {
                throw new IllegalStateException("run the driver from the sample app's jar, not from " + appJar);
            }
            List<String> jvmOptions = List.of(args).subList(1, args.length);
            List<String> demoOptions = new ArrayList<>(jvmOptions);
            demoOptions.add("-Dweft.cache.tts:voices.refreshAfter=" + REFRESH_AFTER);
            try (ChildApp app = ChildApp.start(appJar, agent, demoOptions, out)) {
                try {
                    int port = app.awaitPort();
                    out.printf("Sample app (pid %d) on port %d, %s%n%n", app.pid(), port,
                            agent == null ? "WITHOUT the agent (baseline)" : "with -javaagent:" + agent);
                    new DemoDriver(out, agent != null, port).run();
                } catch (Exception e) {
                    System.err.println("Last lines of the sample app's output:");
                    app.recentLines().forEach(line -> System.err.println("  | " + line));
                    throw e;
                }
            }
            if (agent != null) {
                TwoInstanceDemo.runIfRedisAnswers(appJar, agent, jvmOptions, out);
            }
        } catch (Exception e) {
            System.err.println("demo failed: " + (e.getMessage() != null ? e.getMessage() : e));
            System.exit(1);
        }
        System.exit(0);
    }

    private void run() throws IOException, InterruptedException {
        out.printf("Warming up on bob's data, then measuring 4 endpoints on alice's, %d requests each...%n%n", REPEATS + 1);
        warmUp();
        UUID alice = Seed.ALICE;
        UUID book = Seed.BOOKS.get(0).id();
        List<Row> rows = List.of(
                measure("GET /api/v1/storybook/books?user=…", "/api/v1/storybook/books?user=" + alice, "/dbLoads/getBooks"),
                measure("GET /api/v1/storybook/books/{id}?user=…", DemoClient.bookPath(alice, book), GET_BOOK_RUNS),
                measure("GET /api/v1/user/me?user=…", "/api/v1/user/me?user=" + alice, "/dbLoads/getProfile"),
                measure("GET /api/v1/tts/voices", "/api/v1/tts/voices", VOICE_CALLS));
        out.printf(ROW_FORMAT, "endpoint", "first call", "cached (p50)", "speed-up", "hit ratio");
        for (Row row : rows) {
            double speedUp = row.firstMs() / row.repeatedP50Ms();
            out.printf(ROW_FORMAT, row.endpoint(), ms(row.firstMs()), ms(row.repeatedP50Ms()),
                    String.format(speedUp >= 10 ? "%.0fx" : "%.1fx", speedUp),
                    String.format("%.1f%%", 100 * row.hitRatio()));
        }
        out.printf("(hit ratio = 1 - method body runs / requests; the app counts body runs at /internal/stats)%n%n");
        if (withAgent) {
            for (Row row : rows) {
                if (row.bodyRuns() >= row.requests()) {
                    throw new IllegalStateException("no cache hits on " + row.endpoint() + ": is the agent weaving?");
                }
            }
        }
        showEviction(book);
        if (withAgent) {
            showRefreshAhead();
        }
    }

    /**
     * Reads the voices list every 100 ms for 5 s: with {@code refreshAfter}, hits on the aging entry start background
     * reloads of the 200 ms remote call, and no read waits for one.
     */
    private void showRefreshAhead() throws IOException, InterruptedException {
        out.printf("%nRefresh-ahead: GET /api/v1/tts/voices every 100 ms for 5 s (refreshAfter=%s set by"
                + " -Dweft.cache.tts:voices.refreshAfter; the remote call takes 200 ms)%n", REFRESH_AFTER);
        long before = app.counter(VOICE_CALLS);
        double slowest = 0;
        for (int i = 0; i < 50; i++) {
            slowest = Math.max(slowest, app.timedGet("/api/v1/tts/voices"));
            Thread.sleep(100);
        }
        long reloads = app.counter(VOICE_CALLS) - before;
        out.printf("the remote service was called %d time(s), in the background; the slowest of the 50 reads took %s%n",
                reloads, ms(slowest));
        if (reloads == 0 || slowest >= 150) {
            throw new IllegalStateException("refresh-ahead did not work: " + reloads + " reloads, slowest read "
                    + ms(slowest));
        }
        out.println("No reader waited for the remote call: each reload ran after a hit had returned the entry it"
                + " replaced.");
    }

    /** Warms the JVM up on bob's data, so that the first calls measured on alice's are misses, not JVM start-up. */
    private void warmUp() throws IOException, InterruptedException {
        UUID bob = Seed.BOB;
        UUID bobsBook = Seed.BOOKS.stream().filter(b -> b.userId().equals(bob)).findFirst().orElseThrow().id();
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            for (String path : List.of("/api/v1/storybook/books?user=" + bob, DemoClient.bookPath(bob, bobsBook),
                    "/api/v1/user/me?user=" + bob, "/internal/stats")) {
                app.get(path);
            }
        }
    }

    private Row measure(String endpoint, String path, String counter) throws IOException, InterruptedException {
        long runsBefore = app.counter(counter);
        double first = app.timedGet(path);
        double[] repeated = new double[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            repeated[i] = app.timedGet(path);
        }
        Arrays.sort(repeated);
        double median = (repeated[(REPEATS - 1) / 2] + repeated[REPEATS / 2]) / 2;
        return new Row(endpoint, first, median, app.counter(counter) - runsBefore, REPEATS + 1);
    }

    /** Updates a book's title, then checks that the next read runs the method again and serves the new title. */
    private void showEviction(UUID book) throws IOException, InterruptedException {
        String path = DemoClient.bookPath(Seed.ALICE, book);
        String title = Seed.BOOKS.get(0).title() + ", edited at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS);
        app.put(path, Map.of("title", title));
        out.printf("Write: PUT /api/v1/storybook/books/%s  {\"title\": \"%s\"}%n", book, title);

        long before = app.counter(GET_BOOK_RUNS);
        String served = app.title(path);
        long runs = app.counter(GET_BOOK_RUNS) - before;
        out.printf("Read:  GET the same book -> getBook body ran %d more time, served \"%s\"%n", runs, served);
        if (!served.equals(title) || runs != 1) {
            throw new IllegalStateException("the update did not evict storybook:book:" + book);
        }
        before = app.counter(GET_BOOK_RUNS);
        app.get(path);
        runs = app.counter(GET_BOOK_RUNS) - before;
        out.printf("Read:  GET it again      -> getBook body ran %d more time%s%n", runs,
                withAgent ? "" : " (no agent: every read runs the method)");
        if (withAgent && runs != 0) {
            throw new IllegalStateException("the book was not cached again after the eviction");
        }
        out.println(withAgent
                ? "The write evicted the cached book: the new title was served at once, then cached again."
                : "Without the agent nothing is cached, so every read is fresh and slow.");
    }

    private static String ms(double millis) {
        return String.format(millis >= 10 ? "%.1f ms" : "%.2f ms", millis);
    }
}
