package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Hot keys driven line by line from standard input ({@code <id> <command> <args…>}, answered {@code <id> <reply>}):
 * a refresh-ahead price whose "database" is a directory of files shared by every instance (system property
 * {@code db}), and a cold key whose load time each call chooses. Every body run is recorded with its wall-clock
 * start, so that a test can line up the runs of several JVMs.
 */
public class HotKeys {

    /** How long a price takes to load: a caller that waited for a load takes at least this long. */
    static final long LOAD_MILLIS = 500;

    static final Path DB = Path.of(System.getProperty("db", "."));
    /** Start times (epoch ms) of the body runs, by key. */
    static final Map<String, Queue<Long>> RUNS = new ConcurrentHashMap<>();
    /** The key whose background reloads wait for {@code open} after saying {@code RELOADING <key>}. */
    static volatile String gated = "";
    static volatile CountDownLatch gate = new CountDownLatch(0);
    /** Where a background reload of a price leaves a file named {@code <key>.<pid>.<start>} while it runs. */
    static final Path RELOADING = DB.resolve("reloading");
    /** By key, the price runs ({@code L <startMicros> <endMicros> <version> reload|call}), for a storm's log. */
    static final Map<String, Queue<String>> LOADS = new ConcurrentHashMap<>();
    /** By key, how long its background reloads take when not {@link #LOAD_MILLIS} (set by {@code reloadmillis}). */
    static final Map<String, Long> RELOAD_MILLIS = new ConcurrentHashMap<>();
    private static final long BASE_MICROS = System.currentTimeMillis() * 1000;
    private static final long BASE_NANOS = System.nanoTime();

    private static void ran(String key) {
        RUNS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(System.currentTimeMillis());
    }

    /**
     * Wall-clock microseconds, precise and monotonic within this JVM (the nano clock from the epoch millisecond at
     * start), comparable across the JVMs of one machine to about a millisecond.
     */
    static long micros() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1000;
    }

    /** The version of a price ({@code v<n>}), or -1 for anything else. */
    static long version(String value) {
        return value.matches("v\\d+") ? Long.parseLong(value.substring(1)) : -1;
    }

    /** Private, as a refresh-ahead method may be: the reload calls it all the same. */
    @CacheResult(key = "refresh:price:{key}", ttl = "2s", refreshAfter = "1s")
    private String price(String key) throws Exception {
        ran(key);
        long start = micros();
        boolean reload = Thread.currentThread().getName().startsWith("weft-refresh");
        Path row = DB.resolve(key);
        String value = Files.exists(row) ? Files.readString(row).trim() : "v0";
        // made once the value is read: a write seen while it exists overlaps this reload's load
        Path marker = reload ? Files.createFile(Files.createDirectories(RELOADING)
                .resolve(key + "." + ProcessHandle.current().pid() + "." + start)) : null;
        try {
            if (key.equals(gated) && reload) {
                System.out.println("RELOADING " + key + " read " + value);
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate was never opened");
                }
            }
            Thread.sleep(reload ? RELOAD_MILLIS.getOrDefault(key, LOAD_MILLIS) : LOAD_MILLIS);
            return value;
        } finally {
            if (marker != null) {
                Files.delete(marker);
            }
            LOADS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add("L " + start + " " + micros() + " "
                    + version(value) + " " + (reload ? "reload" : "call"));
        }
    }

    @InvalidateCache(keys = "refresh:price:{key}")
    public void evict(String key) {
    }

    /** A cold key: the load takes {@code loadMillis} (not part of the key). */
    @CacheResult(key = "refresh:cold:{key}")
    public String cold(String key, long loadMillis) throws InterruptedException {
        ran(key);
        System.out.println("LOADING " + key);
        Thread.sleep(loadMillis);
        return "cold-" + key;
    }

    /** A cold key of a method returning a future: the load runs on another thread and takes {@code loadMillis}. */
    @CacheResult(key = "refresh:coldLater:{key}")
    public CompletableFuture<String> coldLater(String key, long loadMillis) {
        ran(key);
        System.out.println("LOADING " + key);
        return CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(loadMillis);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "cold-" + key;
        });
    }

    /** A call of a hammer that took at least this long is listed in its reply. */
    static final long SLOW_MICROS = 100_000;
    /** A hammer's stall watch lists the times it woke up at least this late from a 1 ms sleep. */
    static final long STALL_MICROS = 20_000;

    /**
     * Calls {@code call} on {@code threads} threads released at once, each once, or again and again (a call about
     * every millisecond) until {@code millis} have passed when it is positive; answers the number of calls, the
     * slowest and fastest call in ms, when {@code millis} is positive the calls that took at least
     * {@link #SLOW_MICROS} ({@code slow=[<startMicros>:<endMicros>,…]}, times as {@link #micros}) and the stalls of
     * the JVM meanwhile ({@code stalls=[…]}: a platform thread sleeping 1 ms at a time, as jHiccup does, lists each
     * sleep it woke from {@link #STALL_MICROS} late or more, as a GC pause or a machine without a free core makes
     * it), and last the values returned. The threads are virtual when {@code virtual} (JDK 21+).
     */
    private static String together(int threads, long millis, Call call, boolean virtual) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong calls = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        AtomicLong fastest = new AtomicLong(Long.MAX_VALUE);
        Queue<String> slow = new ConcurrentLinkedQueue<>();
        Queue<String> values = new ConcurrentLinkedQueue<>();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Runnable caller = () -> {
                try {
                    start.await();
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                    do {
                        long before = System.nanoTime();
                        long beforeMicros = micros();
                        values.add(call.run());
                        long afterMicros = micros();
                        if (afterMicros - beforeMicros >= SLOW_MICROS) {
                            slow.add(beforeMicros + ":" + afterMicros);
                        }
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
                        calls.incrementAndGet();
                        slowest.accumulateAndGet(ms, Math::max);
                        fastest.accumulateAndGet(ms, Math::min);
                        if (millis > 0) {
                            Thread.sleep(1); // pacing: 2 cores keep time for the reloads and Redis
                        }
                    } while (System.nanoTime() < end);
                } catch (Exception e) {
                    values.add("failed: " + e);
                }
            };
            Thread t = virtual ? virtualThread(caller) : new Thread(caller);
            t.start();
            started.add(t);
        }
        Queue<String> stalls = new ConcurrentLinkedQueue<>();
        AtomicBoolean calling = new AtomicBoolean(true);
        Thread watch = new Thread(() -> {
            while (calling.get()) {
                long before = micros();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
                long after = micros();
                if (after - before >= STALL_MICROS) {
                    stalls.add(before + ":" + after);
                }
            }
        }, "stall-watch");
        watch.setDaemon(true);
        if (millis > 0) {
            watch.start();
        }
        start.countDown();
        for (Thread t : started) {
            t.join();
        }
        calling.set(false);
        watch.join();
        return "calls=" + calls.get() + " slowestMs=" + slowest.get() + " fastestMs=" + fastest.get()
                + (millis > 0 ? " slow=[" + String.join(",", slow) + "] stalls=[" + String.join(",", stalls) + "]" : "")
                + " values=" + String.join(",", new TreeSet<>(values));
    }

    /**
     * Calls {@code price(key)} on {@code threads} threads for {@code millis} (a call about every millisecond each)
     * and, when {@code write}, writes the key meanwhile (see {@link #writer}); logs to {@code log} a line per read
     * ({@code R <startMicros> <endMicros> <version>}), per write ({@code W <version> <startMicros> <endMicros>
     * stomp|burst}, stomp for a write made while a reload of the key ran somewhere) and per run of the method in this
     * JVM ({@code L …}, see {@link #LOADS}); answers counts.
     */
    private static String storm(HotKeys app, String key, long millis, int threads, Path log, boolean write)
            throws Exception {
        Queue<String> lines = new ConcurrentLinkedQueue<>();
        AtomicLong reads = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            started.add(new Thread(() -> {
                try {
                    start.await();
                    do {
                        long before = micros();
                        String value = app.price(key);
                        lines.add("R " + before + " " + micros() + " " + version(value));
                        reads.incrementAndGet();
                        Thread.sleep(1); // pacing: 2 cores keep time for the reloads, the writer and Redis
                    } while (System.nanoTime() < end);
                } catch (Exception e) {
                    failures.incrementAndGet();
                    System.out.println("STORM FAILED " + e);
                }
            }, "storm-" + i));
        }
        AtomicLong writes = new AtomicLong();
        if (write) {
            // the last write leaves 1.5 s of reads, which must all see it once it has propagated (1 s)
            long stopAt = end - TimeUnit.MILLISECONDS.toNanos(1500);
            started.add(new Thread(() -> {
                try {
                    start.await();
                    writer(app, key, stopAt, lines, writes);
                } catch (Exception e) {
                    failures.incrementAndGet();
                    System.out.println("STORM WRITER FAILED " + e);
                }
            }, "storm-writer"));
        }
        started.forEach(Thread::start);
        start.countDown();
        for (Thread t : started) {
            t.join();
        }
        lines.addAll(LOADS.getOrDefault(key, new ConcurrentLinkedQueue<>()));
        Files.write(log, lines);
        return "reads=" + reads.get() + " writes=" + writes.get() + " failures=" + failures.get();
    }

    /**
     * Until {@code stopAt} (nano clock), in cycles: lets a background reload of {@code key} (in any instance) run
     * undisturbed; writes once while the next reload runs, then keeps quiet until the one after (more than the 1 s
     * an invalidation may take to propagate: a reload that stored its value of before the write would be seen
     * serving it); writes while that one runs and twice more 300–500 ms apart (the loads after the first two
     * writes overlap the next). A write puts {@code v<n>} in the "database" (atomically) and invalidates the key
     * through {@code @InvalidateCache}; it is logged once that returned.
     */
    private static void writer(HotKeys app, String key, long stopAt, Queue<String> lines, AtomicLong writes)
            throws Exception {
        while (true) {
            if (!nextReload(key, stopAt) || !nextReload(key, stopAt)) {
                return;
            }
            write(app, key, "stomp", lines, writes);
            if (!nextReload(key, stopAt)) {
                return;
            }
            write(app, key, "stomp", lines, writes);
            for (int i = 0; i < 2; i++) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(300, 501));
                if (System.nanoTime() >= stopAt) {
                    return;
                }
                write(app, key, "burst", lines, writes);
            }
        }
    }

    /** Waits until no reload of {@code key} runs, then until one does; false if {@code stopAt} came first. */
    private static boolean nextReload(String key, long stopAt) throws Exception {
        return awaitReload(key, false, stopAt) && awaitReload(key, true, stopAt);
    }

    /** Waits until a reload of {@code key} runs ({@code running}) or none does; false if {@code stopAt} came first. */
    private static boolean awaitReload(String key, boolean running, long stopAt) throws Exception {
        while (System.nanoTime() < stopAt) {
            boolean any;
            try (Stream<Path> markers = Files.exists(RELOADING) ? Files.list(RELOADING) : Stream.empty()) {
                any = markers.anyMatch(p -> p.getFileName().toString().startsWith(key + "."));
            }
            if (any == running) {
                return true;
            }
            Thread.sleep(2);
        }
        return false;
    }

    private static void write(HotKeys app, String key, String kind, Queue<String> lines, AtomicLong writes)
            throws Exception {
        long version = writes.incrementAndGet();
        long before = micros();
        Path next = Files.writeString(DB.resolve(key + ".next"), "v" + version);
        Files.move(next, DB.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        app.evict(key);
        lines.add("W " + version + " " + before + " " + micros() + " " + kind);
    }

    /** {@code Thread.ofVirtual().unstarted(task)}, called reflectively: this class also compiles on JDK 17. */
    private static Thread virtualThread(Runnable task) throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        return (Thread) Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class)
                .invoke(builder, task);
    }

    interface Call {
        String run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        HotKeys app = new HotKeys();
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.split(" ");
            String result;
            // hammer <key> <millis> <threads> [virtual]; storm <key> <millis> <threads> <log> [write];
            // reloadmillis <key> <millis>; stampede[Later] <key> <threads> <loadMillis>; runs <key>: start times;
            // loads <key>: the price runs of this JVM (<startMicros>:<endMicros>:reload|call)
            switch (words[1]) {
                case "price" -> {
                    long before = System.nanoTime();
                    String value = app.price(words[2]);
                    result = value + " ms=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
                }
                case "hammer" -> result = together(Integer.parseInt(words[4]), Long.parseLong(words[3]),
                        () -> app.price(words[2]), words.length > 5 && words[5].equals("virtual"));
                case "storm" -> result = storm(app, words[2], Long.parseLong(words[3]), Integer.parseInt(words[4]),
                        Path.of(words[5]), words.length > 6 && words[6].equals("write"));
                case "reloadmillis" -> {
                    RELOAD_MILLIS.put(words[2], Long.parseLong(words[3]));
                    result = "set";
                }
                case "evict" -> {
                    app.evict(words[2]);
                    result = "evicted";
                }
                case "gate" -> {
                    gate = new CountDownLatch(1);
                    gated = words[2];
                    result = "gated";
                }
                case "open" -> {
                    gate.countDown();
                    result = "opened";
                }
                case "stampede" -> result = together(Integer.parseInt(words[3]), 0,
                        () -> app.cold(words[2], Long.parseLong(words[4])), false);
                case "stampedeLater" -> result = together(Integer.parseInt(words[3]), 0,
                        () -> app.coldLater(words[2], Long.parseLong(words[4])).get(60, TimeUnit.SECONDS), false);
                case "runs" -> result = "runs=" + RUNS.getOrDefault(words[2], new ConcurrentLinkedQueue<>());
                case "loads" -> {
                    List<String> loads = new ArrayList<>();
                    for (String load : LOADS.getOrDefault(words[2], new ConcurrentLinkedQueue<>())) {
                        String[] f = load.split(" "); // L <startMicros> <endMicros> <version> reload|call
                        loads.add(f[1] + ":" + f[2] + ":" + f[4]);
                    }
                    result = "loads=[" + String.join(",", loads) + "]";
                }
                default -> result = "unknown " + words[1];
            }
            System.out.println(words[0] + " " + result);
        }
    }
}
