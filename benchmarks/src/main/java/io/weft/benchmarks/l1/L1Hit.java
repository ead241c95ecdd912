package io.weft.benchmarks.l1;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.weft.benchmarks.fixtures.Book;
import io.weft.benchmarks.fixtures.Fixtures;
import io.weft.benchmarks.fixtures.SpringBooks;
import io.weft.benchmarks.fixtures.SpringCacheConfig;
import io.weft.benchmarks.fixtures.SpringSyncBooks;
import io.weft.benchmarks.fixtures.UncachedBooks;
import io.weft.benchmarks.fixtures.WeftBooks;
import io.weft.benchmarks.fixtures.jetcache.JetCacheBooks;
import io.weft.benchmarks.fixtures.jetcache.JetCacheConfig;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * An L1 hit of {@code List<Book> getBooks(UUID userId)} under the key {@code storybook:books:{userId}}:
 * every call after the first is served from memory. Each variant returns the same prepared list; what
 * differs is what stands between the caller and that list. See docs/benchmarks.md.
 *
 * <p>The fork must run with {@code -javaagent:agent/target/weft-agent.jar} (benchmarks/run.sh and
 * {@code io.weft.benchmarks.Suite} pass it); {@link #weft} refuses to run on an unwoven method.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class L1Hit {

    /** The argument, read from a field on every call so that nothing is constant-folded. */
    @State(Scope.Thread)
    public static class Args {
        public UUID userId;

        @Setup
        public void setUp() {
            // equal to Fixtures.USER but a distinct instance: nothing caches its toString()
            userId = new UUID(Fixtures.USER.getMostSignificantBits(), Fixtures.USER.getLeastSignificantBits());
        }
    }

    /** Raw Caffeine 3, configured as a user would for this cache: bounded, expiring after the TTL. */
    @State(Scope.Benchmark)
    public static class RawCaffeine {
        public Cache<String, List<Book>> cache;
        public String prebuiltKey;

        @Setup
        public void setUp() {
            cache = Fixtures.userCaffeine().build();
            prebuiltKey = Fixtures.PREFIX + Fixtures.USER;
            cache.put(prebuiltKey, Fixtures.BOOKS);
        }
    }

    /**
     * A diagnostic: Caffeine configured like Weft's L1 (size-bounded, one cache for every method, each
     * entry carrying its own TTL through an {@code Expiry}), read with the key built by hand. Against
     * {@link #caffeineHandBuiltKey} it shows what that configuration costs; against {@link #weft}, what
     * Weft's dispatch and key rendering cost.
     */
    @State(Scope.Benchmark)
    public static class WeftLikeCaffeine {
        public Cache<String, Entry> cache;

        /** What Weft stores: the value and its TTL. */
        public record Entry(Object value, long ttlNanos) {
        }

        @Setup
        public void setUp() {
            cache = Caffeine.newBuilder()
                    .maximumSize(10_000)
                    .expireAfter(new Expiry<String, Entry>() {
                        @Override
                        public long expireAfterCreate(String key, Entry entry, long currentTime) {
                            return entry.ttlNanos();
                        }

                        @Override
                        public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
                            return entry.ttlNanos();
                        }

                        @Override
                        public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
                            return currentDuration;
                        }
                    })
                    .build();
            cache.put(Fixtures.PREFIX + Fixtures.USER, new Entry(Fixtures.BOOKS, Duration.ofMinutes(1).toNanos()));
        }
    }

    @State(Scope.Benchmark)
    public static class Weft {
        public WeftBooks books;
        private long bodyRunsAfterSetup;

        @Setup
        public void setUp() {
            books = new WeftBooks(Fixtures.BOOKS);
            WeftBooks.requireWoven(books, Fixtures.USER);
            bodyRunsAfterSetup = books.bodyRuns();
        }

        @TearDown(Level.Iteration)
        public void check() {
            // an L1 entry lives at most weft.l1.ttl (1 minute): one reload per minute is still a hit benchmark
            long reloads = books.bodyRuns() - bodyRunsAfterSetup;
            if (reloads > 10) {
                throw new IllegalStateException("the Weft hit benchmark ran the method body " + reloads + " times");
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Spring {
        public AnnotationConfigApplicationContext context;
        public SpringBooks books;
        public SpringSyncBooks syncBooks;

        @Setup
        public void setUp() {
            context = SpringCacheConfig.start();
            books = context.getBean(SpringBooks.class);
            syncBooks = context.getBean(SpringSyncBooks.class);
            books.getBooks(Fixtures.USER);
            syncBooks.getBooks(Fixtures.USER);
            org.springframework.cache.Cache cache = context.getBean(CacheManager.class).getCache(Fixtures.CACHE_NAME);
            if (cache == null || cache.get(Fixtures.USER) == null) {
                throw new IllegalStateException("Spring did not cache getBooks: is the bean proxied?");
            }
        }

        @TearDown
        public void close() {
            context.close();
        }
    }

    @State(Scope.Benchmark)
    public static class JetCache {
        public AnnotationConfigApplicationContext context;
        public JetCacheBooks books;

        @Setup
        public void setUp() {
            context = JetCacheConfig.start();
            books = context.getBean(JetCacheBooks.class);
            books.getBooks(Fixtures.USER);
            if (!books.getClass().getName().contains("$$")) {
                throw new IllegalStateException("JetCacheBooks is not proxied: " + books.getClass());
            }
        }

        @TearDown
        public void close() {
            context.close();
        }
    }

    /** (a) The floor: a direct call of the uncached method. */
    @Benchmark
    public List<Book> floorDirectCall(UncachedBooks.State subject, Args args) {
        return subject.books.getBooks(args.userId);
    }

    /** (b) The practical floor of an L1 hit: Caffeine with the key built by hand on every call. */
    @Benchmark
    public List<Book> caffeineHandBuiltKey(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent(Fixtures.PREFIX + args.userId);
    }

    /** (c) Caffeine with a key built once: the cost of the lookup alone. */
    @Benchmark
    public List<Book> caffeinePrebuiltKey(RawCaffeine subject) {
        return subject.cache.getIfPresent(subject.prebuiltKey);
    }

    /** (b') Diagnostic: Caffeine configured like Weft's L1, key built by hand. */
    @Benchmark
    @SuppressWarnings("unchecked")
    public List<Book> caffeineWeftLikeHandBuiltKey(WeftLikeCaffeine subject, Args args) {
        WeftLikeCaffeine.Entry entry = subject.cache.getIfPresent(Fixtures.PREFIX + args.userId);
        return entry == null ? null : (List<Book>) entry.value();
    }

    /** (d) Weft: the woven method, called directly. */
    @Benchmark
    public List<Book> weft(Weft subject, Args args) {
        return subject.books.getBooks(args.userId);
    }

    /** (e) Spring {@code @Cacheable} with {@code CaffeineCacheManager}, through the proxy. */
    @Benchmark
    public List<Book> springCacheable(Spring subject, Args args) {
        return subject.books.getBooks(args.userId);
    }

    /** (f) Spring {@code @Cacheable(sync = true)}. */
    @Benchmark
    public List<Book> springCacheableSync(Spring subject, Args args) {
        return subject.syncBooks.getBooks(args.userId);
    }

    /** (g) JetCache {@code @Cached(cacheType = LOCAL)} on Caffeine, through its Spring proxy. */
    @Benchmark
    public List<Book> jetCacheCached(JetCache subject, Args args) {
        return subject.books.getBooks(args.userId);
    }
}
