package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * One side of the stale-set torture on a few hot rows of a PostgreSQL table, cached by Weft (L1 + Redis).
 * Run as {@code writer} it writes each key in short bursts (writes a few milliseconds apart, so that a
 * reload in the other JVM overlaps the next write: the stale-set race) separated by quiet gaps longer
 * than the test's propagation bound (so that a stale value kept by mistake would be read long enough to
 * be seen); every other burst evicts by the row's tag instead of its key, so each path alone must keep
 * the reads fresh. Run as {@code reader} it reads the keys as fast as it can; a load lingers a little after
 * reading the row, which is when a write can overtake it. Every write and every worker's read is logged with its
 * wall-clock time for the test's check across the two JVMs.
 *
 * <p>Before it starts, each side waits until the agent's Redis connection and event reader are up (read
 * over JMX in this JVM) and prints {@code READY}. When its workers are done it prints the cache's counters as
 * {@code CHECK} lines and {@code TORTURED}, then answers the test's lines on standard input, each
 * {@code <id> <command> [argument]} with {@code <id> <reply>}, until the input ends; then it writes its log and
 * prints {@code DONE}. The commands force the race, one step at a time, across the two JVMs:
 * <ul>
 * <li>{@code read k}, {@code write k}, {@code writeTagged k}: the cached methods (the writes are logged); the reply is
 * the version;
 * <li>{@code hold k}: evicts key k ({@link #forget}), then reads it on a thread of its own whose load stops right
 * after reading the row (it holds the key's lease in the shared level); the reply is {@code held <version>
 * discarded=<stale stores discarded so far>} once it has, or {@code hit <version>} if the read did not load;
 * <li>{@code release event|now}: lets the held load return (after this JVM has applied an invalidation from
 * elsewhere since the hold, with {@code event}), then replies {@code returned <version> discarded=<count>};
 * <li>{@code barrier id}: loads a value of its own, whose store goes out behind the stores made before it;
 * <li>{@code received}: the invalidations from other instances this JVM has applied.
 * </ul>
 * Any failure of a worker thread, or a missing Weft MBean, ends the JVM with status 1.
 *
 * <p>Arguments: {@code writer|reader jdbcUrl keys seconds logFile}.
 */
public class Torture {

    /** The table of this run's rows ({@code -Dtorture.table}, set by the test: one per run). */
    static final String TABLE = System.getProperty("torture.table", "weft_torture");


    static final ThreadLocal<Connection> CONNECTION = new ThreadLocal<>();
    static final int READERS = 4;
    static final int BURST = 5;
    static final long QUIET_MILLIS = 1500;
    static final long MBEAN_WAIT_MILLIS = 30_000;
    /** Longest a forced round's step waits: for a held load to read its row or to return, for an event to arrive. */
    static final long STEP_WAIT_MILLIS = 30_000;
    static String url;
    static final ObjectName AGENT = objectName("io.weft:type=Agent");
    static final ObjectName CACHE = objectName("io.weft:type=Cache,name=" + ObjectName.quote("torture"));

    /** The load that {@code hold} stopped after its read of the row, until {@code release}; null when none is. */
    static volatile Held held;

    static Connection db() throws SQLException {
        Connection c = CONNECTION.get();
        if (c == null) {
            c = DriverManager.getConnection(url);
            CONNECTION.set(c);
        }
        return c;
    }

    @CacheResult(key = "torture:{k}", ttl = "1h", tags = "row:{k}")
    public long read(int k) throws Exception {
        long v;
        try (PreparedStatement s = db().prepareStatement("SELECT v FROM " + TABLE + " WHERE k = ?")) {
            s.setInt(1, k);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                v = r.getLong(1);
            }
        }
        Held h = held;
        if (h != null && h.loader == Thread.currentThread()) {
            h.rowRead.complete(v);
            if (!h.release.await(STEP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the held load of key " + k + " was not released");
            }
        } else {
            Thread.sleep(ThreadLocalRandom.current().nextInt(4));
        }
        return v;
    }

    /** Evicts key k everywhere (L1s and the shared level) without a write: the next read of it loads. */
    @InvalidateCache(keys = "torture:{k}")
    public void forget(int k) {
    }

    /** A value of its own for each id: its store is sent after the stores of the loads that returned before it. */
    @CacheResult(key = "torture-barrier:{id}", ttl = "1h")
    public String barrier(String id) {
        return id;
    }

    @InvalidateCache(keys = "torture:{k}")
    public long write(int k) throws SQLException {
        return update(k);
    }

    /** The same write, evicting by the row's tag instead of its key. */
    @InvalidateCache(tags = "row:{k}")
    public long writeTagged(int k) throws SQLException {
        return update(k);
    }

    long update(int k) throws SQLException {
        try (PreparedStatement s = db().prepareStatement("UPDATE " + TABLE + " SET v = v + 1 WHERE k = ? RETURNING v")) {
            s.setInt(1, k);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** A read of one key on a thread of its own whose load stops after reading the row until it is released. */
    final class Held {
        final CompletableFuture<Long> rowRead = new CompletableFuture<>();
        final CompletableFuture<Long> returned = new CompletableFuture<>();
        final CountDownLatch release = new CountDownLatch(1);
        final long receivedBefore;
        final Thread loader;

        Held(int k) throws Exception {
            receivedBefore = received();
            loader = new Thread(() -> {
                try {
                    returned.complete(read(k));
                } catch (Throwable t) {
                    returned.completeExceptionally(t);
                } finally {
                    closeConnection();
                }
            }, "held-load-" + k);
        }
    }

    /** A worker's loop body, which may throw. */
    interface Body {
        void run() throws Exception;
    }

    /** A condition to wait for, which may throw. */
    interface Condition {
        boolean holds() throws Exception;
    }

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong taggedWrites = new AtomicLong();

    /** Adds a worker that repeats {@code body} until {@code end} (System.nanoTime) or until any worker failed. */
    void worker(long end, Body body) {
        threads.add(new Thread(() -> {
            try {
                while (System.nanoTime() < end && failure.get() == null) {
                    body.run();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }));
    }

    void writer(int k, long end) {
        boolean[] tagged = {false};
        worker(end, () -> {
            tagged[0] = !tagged[0];
            for (int i = 0; i < BURST; i++) {
                long v = tagged[0] ? writeTagged(k) : write(k);
                lines.add("W " + k + " " + v + " " + System.currentTimeMillis());
                writes.incrementAndGet();
                if (tagged[0]) {
                    taggedWrites.incrementAndGet();
                }
                Thread.sleep(1 + ThreadLocalRandom.current().nextInt(3));
            }
            Thread.sleep(QUIET_MILLIS + ThreadLocalRandom.current().nextInt(200));
        });
    }

    void reader(int keys, long end) {
        worker(end, () -> {
            int k = ThreadLocalRandom.current().nextInt(keys);
            long startedAt = System.currentTimeMillis();
            long v = read(k);
            lines.add("R " + k + " " + v + " " + startedAt);
            reads.incrementAndGet();
            Thread.sleep(1);
        });
    }

    /** Answers the test's lines on standard input until it ends. */
    void serve() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.split(" ");
            String reply;
            try {
                reply = answer(words[1], words.length > 2 ? words[2] : "");
            } catch (Exception e) {
                reply = "failed " + e;
            }
            System.out.println(words[0] + " " + reply);
        }
    }

    private String answer(String command, String argument) throws Exception {
        switch (command) {
            case "read":
                return String.valueOf(read(Integer.parseInt(argument)));
            case "write":
            case "writeTagged":
                int k = Integer.parseInt(argument);
                long v = command.equals("write") ? write(k) : writeTagged(k);
                lines.add("W " + k + " " + v + " " + System.currentTimeMillis());
                return String.valueOf(v);
            case "hold":
                return hold(Integer.parseInt(argument));
            case "release":
                return release(argument.equals("event"));
            case "barrier":
                return barrier(argument);
            case "received":
                return String.valueOf(received());
            default:
                return "unknown " + command;
        }
    }

    private String hold(int k) throws Exception {
        forget(k);
        Held h = new Held(k);
        held = h;
        h.loader.start();
        CompletableFuture.anyOf(h.rowRead, h.returned).get(STEP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        return h.rowRead.isDone() ? "held " + h.rowRead.join() + " discarded=" + attribute(CACHE, "StaleStoresDiscarded")
                : "hit " + h.returned.join();
    }

    private String release(boolean afterAnEvent) throws Exception {
        Held h = held;
        if (afterAnEvent && !within(STEP_WAIT_MILLIS, () -> received() > h.receivedBefore)) {
            return "no event applied within " + STEP_WAIT_MILLIS + " ms";
        }
        h.release.countDown();
        long v = h.returned.get(STEP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        held = null;
        return "returned " + v + " discarded=" + attribute(CACHE, "StaleStoresDiscarded");
    }

    /** The invalidations from other instances this JVM's agent has applied. */
    static long received() throws Exception {
        return ((Number) attribute(AGENT, "InvalidationsReceived")).longValue();
    }

    static void closeConnection() {
        Connection c = CONNECTION.get();
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // the JVM is done with it
            }
            CONNECTION.remove();
        }
    }

    /** Runs the workers to their end; a failed worker ends the JVM with status 1. */
    void run() throws InterruptedException {
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            System.out.println("CHECK failure=" + failure.get());
            failure.get().printStackTrace();
            System.exit(1);
        }
    }

    public static void main(String[] args) throws Exception {
        String role = args[0];
        url = args[1];
        int keys = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        Path log = Path.of(args[4]);
        if (!role.equals("writer") && !role.equals("reader")) {
            throw new IllegalArgumentException("role must be writer or reader: " + role);
        }
        Torture app = new Torture();
        awaitTrue(AGENT, "RedisUp");
        awaitTrue(AGENT, "EventsReaderPositioned");
        System.out.println("READY");
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        if (role.equals("writer")) {
            for (int k = 0; k < keys; k++) {
                app.writer(k, end);
            }
        } else {
            for (int r = 0; r < READERS; r++) {
                app.reader(keys, end);
            }
        }
        app.run();
        System.out.println("CHECK reads=" + app.reads.get());
        System.out.println("CHECK writes=" + app.writes.get());
        System.out.println("CHECK taggedWrites=" + app.taggedWrites.get());
        for (String counter : List.of("L1Hits", "L2Hits", "Misses", "StaleStoresDiscarded")) {
            System.out.println("CHECK " + counter + "=" + attribute(CACHE, counter));
        }
        System.out.println("TORTURED");
        app.serve();
        Files.write(log, app.lines);
        System.out.println("DONE");
    }

    /** Waits until a boolean attribute of a Weft MBean of this JVM is true; fails after 30 s. */
    static void awaitTrue(ObjectName name, String attribute) throws Exception {
        if (!within(MBEAN_WAIT_MILLIS, () -> Boolean.TRUE.equals(attribute(name, attribute)))) {
            throw new IllegalStateException(name + " " + attribute + " not true within " + MBEAN_WAIT_MILLIS + " ms");
        }
    }

    /** Polls {@code condition} until it holds (true) or {@code millis} have passed (false). */
    static boolean within(long millis, Condition condition) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An attribute of a Weft MBean of this JVM, waiting up to 30 s for the MBean to be registered. */
    static Object attribute(ObjectName name, String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long deadline = System.nanoTime() + MBEAN_WAIT_MILLIS * 1_000_000L;
        while (!server.isRegistered(name)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no MBean " + name + " within " + MBEAN_WAIT_MILLIS + " ms: is Weft on?");
            }
            Thread.sleep(10);
        }
        return server.getAttribute(name, attribute);
    }
}
