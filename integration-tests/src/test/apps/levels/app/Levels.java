package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cached methods driven line by line from standard input, so that a test can change Redis between calls.
 * Each line {@code <id> <method> <argument>} is answered {@code <id> <result> runs=<body runs of that method>};
 * {@code <id> touch <n>} invalidates n times.
 */
public class Levels {

    public record Item(String key, int version) {}

    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    static final ItemRepo REPO = new ItemRepo();

    private static int ran(String method) {
        return RUNS.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    }

    @CacheResult(key = "levels:small:{key}")
    public String small(String key) {
        ran("small");
        return "s-" + key;
    }

    /** Larger than the test's {@code weft.redis.maxValueBytes}. */
    @CacheResult(key = "levels:big:{key}")
    public String big(String key) {
        ran("big");
        return "b".repeat(1000);
    }

    /** Above the test's {@code weft.redis.compress.minBytes}, below its {@code weft.redis.maxValueBytes}. */
    @CacheResult(key = "levels:medium:{key}")
    public String medium(String key) {
        ran("medium");
        return "m".repeat(60);
    }

    /** A load slow enough for other instances to miss the same key while it runs. */
    @CacheResult(key = "levels:slow:{key}")
    public String slow(String key) throws InterruptedException {
        ran("slow");
        Thread.sleep(500);
        return "slow-" + key;
    }

    /** A session: a short TTL that every hit renews. */
    @CacheResult(key = "levels:session:{key}", ttl = "3s", sliding = true)
    public String session(String key) {
        ran("session");
        return "session-" + key;
    }

    /** Whether {@link #flaky} fails, as a service behind it would when it is down. */
    static volatile boolean down;

    /** Stands in for a call to another service: its last value is served for a minute after its TTL if it fails. */
    @CacheResult(key = "levels:flaky:{key}", ttl = "1s", staleIfError = "1m")
    public String flaky(String key) {
        ran("flaky");
        if (down) {
            throw new IllegalStateException("the service behind flaky is down");
        }
        return "f-" + key;
    }

    @CacheResult(key = "levels:item:{key}")
    public Item item(String key) {
        return new Item(key, ran("item"));
    }

    /** A generic DAO, as legacy services have them: its subclass fixes {@code T}. */
    public abstract static class Repo<T> {
        @CacheResult(key = "levels:repo:{key}")
        public T find(String key) {
            ran("repo");
            return load(key);
        }

        abstract T load(String key);
    }

    public static final class ItemRepo extends Repo<Item> {
        @Override
        Item load(String key) {
            return new Item(key, 0);
        }
    }

    @InvalidateCache(keys = "levels:small:{key}")
    public void touch(String key) {
    }

    /** An invalidation whose event is not sent behind a key's delete: it waits in the publisher's queue. */
    @InvalidateCache(prefixes = "levels:small:{key}")
    public void touchPrefix(String key) {
    }

    public static void main(String[] args) throws Exception {
        Levels levels = new Levels();
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.split(" ");
            Object result;
            switch (words[1]) {
                case "small" -> result = levels.small(words[2]);
                case "big" -> result = levels.big(words[2]).length();
                case "medium" -> result = levels.medium(words[2]).length();
                case "slow" -> result = levels.slow(words[2]);
                case "session" -> result = levels.session(words[2]);
                case "flaky" -> {
                    try {
                        result = levels.flaky(words[2]);
                    } catch (IllegalStateException e) {
                        result = "threw";
                    }
                }
                case "down" -> {
                    down = Boolean.parseBoolean(words[2]);
                    result = "down=" + down;
                }
                case "item" -> result = levels.item(words[2]);
                case "repo" -> {
                    try {
                        Item item = REPO.find(words[2]);
                        result = item.key();
                    } catch (ClassCastException e) {
                        result = "ClassCastException";
                    }
                }
                case "touchprefix" -> {
                    levels.touchPrefix(words[2]);
                    result = "touched";
                }
                case "touch" -> {
                    for (int i = 0; i < Integer.parseInt(words[2]); i++) {
                        levels.touch("t" + i);
                    }
                    result = "touched";
                }
                default -> result = "unknown " + words[1];
            }
            System.out.println(words[0] + " " + result + " runs=" + RUNS.computeIfAbsent(words[1], k -> new AtomicInteger()));
        }
    }
}
