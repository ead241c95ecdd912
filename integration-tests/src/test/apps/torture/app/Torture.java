package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Concurrent readers and writers on a few hot keys of a PostgreSQL table, cached by Weft. A load
 * reads the row, then lingers a little, which is when a write can overtake it (the stale-set race).
 * Every write and read is logged with its wall-clock time for a check across JVMs; in this JVM no
 * read may return a version older than the last write that completed before the read began.
 */
public class Torture {

    static final ThreadLocal<Connection> CONNECTION = new ThreadLocal<>();
    static String url;

    static Connection db() throws SQLException {
        Connection c = CONNECTION.get();
        if (c == null) {
            c = DriverManager.getConnection(url);
            CONNECTION.set(c);
        }
        return c;
    }

    @CacheResult(key = "torture:{k}", ttl = "1h")
    public long read(int k) throws Exception {
        long v;
        try (PreparedStatement s = db().prepareStatement("SELECT v FROM weft_torture WHERE k = ?")) {
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
        try (PreparedStatement s = db().prepareStatement("UPDATE weft_torture SET v = v + 1 WHERE k = ? RETURNING v")) {
            s.setInt(1, k);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    static long millis() {
        return System.currentTimeMillis();
    }

    public static void main(String[] args) throws Exception {
        url = args[0];
        int keys = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        Path log = Path.of(args[3]);
        Torture app = new Torture();
        AtomicLongArray completed = new AtomicLongArray(keys);
        AtomicLong reads = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            threads.add(new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        int k = ThreadLocalRandom.current().nextInt(keys);
                        long v = app.write(k);
                        completed.accumulateAndGet(k, v, Math::max);
                        lines.add("W " + k + " " + v + " " + millis());
                        writes.incrementAndGet();
                        Thread.sleep(3);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (int r = 0; r < 4; r++) {
            threads.add(new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        int k = ThreadLocalRandom.current().nextInt(keys);
                        long startedAt = millis();
                        long floor = completed.get(k);
                        long v = app.read(k);
                        if (v < floor) {
                            stale.incrementAndGet();
                        }
                        lines.add("R " + k + " " + v + " " + startedAt);
                        reads.incrementAndGet();
                        Thread.sleep(1);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        Files.write(log, lines);
        System.out.println("CHECK reads=" + reads.get());
        System.out.println("CHECK writes=" + writes.get());
        System.out.println("CHECK stale.local=" + stale.get());
        System.out.println("DONE");
    }
}
