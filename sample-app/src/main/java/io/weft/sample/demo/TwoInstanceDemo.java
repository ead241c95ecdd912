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

/**
 * The second half of the demo, when a Redis answers on 127.0.0.1:6379: two instances of the sample
 * app share that Redis and one H2 database (as two instances behind a load balancer share theirs), and
 * a write on instance A evicts the cached book on instance B. Shows how long B kept the old title.
 */
final class TwoInstanceDemo {

    private static final String REDIS_HOST = "127.0.0.1";
    private static final int REDIS_PORT = 6379;
    private static final int WRITES = 20;

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
                "-Dweft.namespace=weft-demo-" + run + ":",
                "-Dsample.db.url=jdbc:h2:file:" + db.resolve("storybook") + ";AUTO_SERVER=TRUE"));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (ChildApp a = ChildApp.start(appJar, agent, options, quiet)) {
            DemoClient first = new DemoClient(a.awaitPort());
            try (ChildApp b = ChildApp.start(appJar, agent, options, quiet)) {
                DemoClient second = new DemoClient(b.awaitPort());
                b.awaitLine(line -> line.contains("reading invalidation events"));
                out.printf("Two instances on Redis %s:%d and one shared database: A (pid %d), B (pid %d).%n",
                        REDIS_HOST, REDIS_PORT, a.pid(), b.pid());
                showEvictionAcross(first, second, out);
            }
        } finally {
            out.printf("Removed the demo's %d keys and streams (weft-demo-%s:*) from Redis.%n",
                    deleteKeys("weft-demo-" + run + ":"), run);
        }
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
