package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
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
import java.util.concurrent.ThreadLocalRandom;
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
 * reading the row, which is when a write can overtake it. Every write and read is logged with its
 * wall-clock time for the test's check across the two JVMs.
 *
 * <p>Before it starts, each side waits until the agent's Redis connection and event reader are up (read
 * over JMX in this JVM) and prints {@code READY}. At the end it prints the cache's counters as {@code CHECK}
 * lines. Any failure of a worker thread, or a missing Weft MBean, ends the JVM with status 1.
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
    static String url;

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
        Thread.sleep(ThreadLocalRandom.current().nextInt(4));
        return v;
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

    /** A worker's loop body, which may throw. */
    interface Body {
        void run() throws Exception;
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
        ObjectName agent = new ObjectName("io.weft:type=Agent");
        awaitTrue(agent, "RedisUp");
        awaitTrue(agent, "EventsReaderPositioned");
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
        Files.write(log, app.lines);
        ObjectName cache = new ObjectName("io.weft:type=Cache,name=" + ObjectName.quote("torture"));
        System.out.println("CHECK reads=" + app.reads.get());
        System.out.println("CHECK writes=" + app.writes.get());
        System.out.println("CHECK taggedWrites=" + app.taggedWrites.get());
        for (String counter : List.of("L1Hits", "L2Hits", "Misses", "StaleStoresDiscarded")) {
            System.out.println("CHECK " + counter + "=" + attribute(cache, counter));
        }
        System.out.println("DONE");
    }

    /** Waits until a boolean attribute of a Weft MBean of this JVM is true; fails after 30 s. */
    static void awaitTrue(ObjectName name, String attribute) throws Exception {
        long deadline = System.nanoTime() + MBEAN_WAIT_MILLIS * 1_000_000L;
        while (!Boolean.TRUE.equals(attribute(name, attribute))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " " + attribute + " not true within " + MBEAN_WAIT_MILLIS + " ms");
            }
            Thread.sleep(10);
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
