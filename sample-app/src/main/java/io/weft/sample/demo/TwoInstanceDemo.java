package io.weft.sample.demo;

import io.weft.sample.store.Seed;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The second half of the demo, when a Redis answers on 127.0.0.1:6379: two instances of the sample
 * app share that Redis and one H2 database (as two instances behind a load balancer share theirs), and
 * a write on instance A evicts the cached book on instance B. Shows how long B kept the old title; then
 * a stampede on a cold key (the voices list, behind a slow remote call) from both instances at once, with
 * the fleet-wide lease and, on a second pair started with {@code weft.lease.wait=1ms}, without it.
 */
final class TwoInstanceDemo {

    private static final String REDIS_HOST = "127.0.0.1";
    private static final int REDIS_PORT = 6379;
    private static final int WRITES = 20;
    /** Concurrent requests per instance in the stampede. */
    private static final int STAMPEDE = 16;
    private static final String VOICES = "/api/v1/tts/voices";
    private static final String VOICE_CALLS = "/remoteCalls/getVoices";

    private TwoInstanceDemo() {
    }

    static void runIfRedisAnswers(Path appJar, Path agent, List<String> jvmOptions, PrintStream out)
            throws IOException, InterruptedException {
        out.println();
        if (!redisAnswers()) {
            out.printf("No Redis on %s:%d: skipping the two-instance part (start redis-server to see it).%n",
                    REDIS_HOST, REDIS_PORT);
            return;
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        Path db = Files.createTempDirectory("weft-demo-db");
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(List.of("-Dweft.redis.uri=redis://" + REDIS_HOST + ":" + REDIS_PORT,
                "-Dsample.db.url=jdbc:h2:file:" + db.resolve("storybook") + ";AUTO_SERVER=TRUE"));
        try {
            long withLease = pair(appJar, agent, options, "-Dweft.namespace=weft-demo-" + run + ":", out, true);
            long withoutLease = pair(appJar, agent, options, "-Dweft.namespace=weft-demo-" + run + "-nolease:", out,
                    false);
            out.printf("Stampede: %d requests at once for the cold voices list (a 200 ms remote call), half on A, half"
                    + " on B:%n  with the fleet-wide lease (weft.lease.wait=1s):  the remote service was called %d"
                    + " time(s) in all%n  without it (weft.lease.wait=1ms):            %d time(s) (once per instance)%n",
                    2 * STAMPEDE, withLease, withoutLease);
            out.println("(each JVM lets one call load a key; the Redis lease makes the other instance wait for that"
                    + " value instead of loading it too)");
        } finally {
            out.printf("Removed the demo's %d keys and streams (weft-demo-%s*) from Redis.%n",
                    deleteKeys("weft-demo-" + run), run);
        }
    }

    /**
     * Starts instances A and B; with the lease, shows a write on A evicting on B first; returns how many remote
     * calls a stampede on the cold voices list cost them together.
     */
    private static long pair(Path appJar, Path agent, List<String> options, String namespace, PrintStream out,
            boolean lease) throws IOException, InterruptedException {
        List<String> instance = new ArrayList<>(options);
        instance.add(namespace);
        if (!lease) {
            instance.add("-Dweft.lease.wait=1ms");
        }
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (ChildApp a = ChildApp.start(appJar, agent, instance, quiet)) {
            DemoClient first = new DemoClient(a.awaitPort());
            try (ChildApp b = ChildApp.start(appJar, agent, instance, quiet)) {
                DemoClient second = new DemoClient(b.awaitPort());
                b.awaitLine(line -> line.contains("reading invalidation events"));
                a.awaitLine(line -> line.contains("reading invalidation events"));
                if (lease) {
                    out.printf("Two instances on Redis %s:%d and one shared database: A (pid %d), B (pid %d).%n",
                            REDIS_HOST, REDIS_PORT, a.pid(), b.pid());
                    showEvictionAcross(first, second, out);
                }
                return stampede(first, second);
            }
        }
    }

    /** {@link #STAMPEDE} concurrent GETs of the voices list on each of A and B; the remote calls they cost. */
    private static long stampede(DemoClient a, DemoClient b) throws IOException, InterruptedException {
        long before = a.counter(VOICE_CALLS) + b.counter(VOICE_CALLS);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (int i = 0; i < 2 * STAMPEDE; i++) {
            DemoClient client = i % 2 == 0 ? a : b;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    client.get(VOICES);
                } catch (Exception e) {
                    failure.set(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a request of the stampede failed: " + failure.get());
        }
        return a.counter(VOICE_CALLS) + b.counter(VOICE_CALLS) - before;
    }

    /** Deletes every key under {@code prefix} (values, leases, streams) with one script (SCAN, not KEYS). */
    private static long deleteKeys(String prefix) throws IOException {
        String script = "local n, cursor = 0, '0' repeat local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)"
                + " cursor = page[1] for _, k in ipairs(page[2]) do n = n + redis.call('DEL', k) end until cursor == '0'"
                + " return n";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(REDIS_HOST, REDIS_PORT), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder command = new StringBuilder("*4\r\n");
            for (String arg : new String[] {"EVAL", script, "0", prefix + "*"}) {
                command.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            out.write(command.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = new String(socket.getInputStream().readNBytes(1), StandardCharsets.US_ASCII);
            StringBuilder line = new StringBuilder();
            for (int c = socket.getInputStream().read(); c != '\r' && c >= 0; c = socket.getInputStream().read()) {
                line.append((char) c);
            }
            if (!reply.equals(":")) {
                throw new IOException("Redis refused to delete the demo's keys: " + reply + line);
            }
            return Long.parseLong(line.toString());
        }
    }

    /** Caches a book on B, writes it on A, and measures until B serves the new title; several times. */
    private static void showEvictionAcross(DemoClient a, DemoClient b, PrintStream out)
            throws IOException, InterruptedException {
        String path = DemoClient.bookPath(Seed.ALICE, Seed.BOOKS.get(1).id());
        double[] delays = new double[WRITES];
        for (int i = 0; i < WRITES; i++) {
            b.get(path);
            b.get(path);
            String title = "Written on A #" + (i + 1);
            a.put(path, Map.of("title", title));
            long written = System.nanoTime();
            long deadline = written + 10_000_000_000L;
            while (!b.title(path).equals(title)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("B still served the old title 10 s after the write on A");
                }
            }
            delays[i] = (System.nanoTime() - written) / 1e6;
        }
        Arrays.sort(delays);
        out.printf("%d writes on A, each read on B until B served the new title: p50 %.1f ms, max %.1f ms%n",
                WRITES, delays[WRITES / 2], delays[WRITES - 1]);
        out.println("(A deleted the key from Redis and published an event on events:cache.invalidated; B's reader"
                + " evicted its L1 copy; the figure includes B's HTTP round trips)");
    }

    private static boolean redisAnswers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(REDIS_HOST, REDIS_PORT), 300);
            socket.setSoTimeout(300);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[5];
            return in.read(reply) == 5 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
