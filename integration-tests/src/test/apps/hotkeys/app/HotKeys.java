package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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

    private static void ran(String key) {
        RUNS.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(System.currentTimeMillis());
    }

    /** Private, as a refresh-ahead method may be: the reload calls it all the same. */
    @CacheResult(key = "refresh:price:{key}", ttl = "2s", refreshAfter = "1s")
    private String price(String key) throws Exception {
        ran(key);
        Path row = DB.resolve(key);
        String value = Files.exists(row) ? Files.readString(row).trim() : "v0";
        if (key.equals(gated) && Thread.currentThread().getName().startsWith("weft-refresh")) {
            System.out.println("RELOADING " + key + " read " + value);
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the gate was never opened");
            }
        }
        Thread.sleep(LOAD_MILLIS);
        return value;
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

    /**
     * Calls {@code call} on {@code threads} threads released at once, each once, or again and again (a call about
     * every millisecond) until {@code millis} have passed when it is positive; answers the number of calls, the
     * slowest and fastest call in ms, and the values returned. The threads are virtual when {@code virtual} (JDK 21+).
     */
    private static String together(int threads, long millis, Call call, boolean virtual) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong calls = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        AtomicLong fastest = new AtomicLong(Long.MAX_VALUE);
        Queue<String> values = new ConcurrentLinkedQueue<>();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Runnable caller = () -> {
                try {
                    start.await();
                    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                    do {
                        long before = System.nanoTime();
                        values.add(call.run());
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
        start.countDown();
        for (Thread t : started) {
            t.join();
        }
        return "calls=" + calls.get() + " slowestMs=" + slowest.get() + " fastestMs=" + fastest.get() + " values="
                + String.join(",", new TreeSet<>(values));
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
            // hammer <key> <millis> <threads> [virtual]; stampede[Later] <key> <threads> <loadMillis>; runs <key>: start times
            switch (words[1]) {
                case "price" -> {
                    long before = System.nanoTime();
                    String value = app.price(words[2]);
                    result = value + " ms=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
                }
                case "hammer" -> result = together(Integer.parseInt(words[4]), Long.parseLong(words[3]),
                        () -> app.price(words[2]), words.length > 5 && words[5].equals("virtual"));
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
                default -> result = "unknown " + words[1];
            }
            System.out.println(words[0] + " " + result);
        }
    }
}
