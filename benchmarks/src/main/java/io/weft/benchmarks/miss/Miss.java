package io.weft.benchmarks.miss;

import com.github.benmanes.caffeine.cache.Cache;
import io.weft.benchmarks.fixtures.Book;
import io.weft.benchmarks.fixtures.Fixtures;
import io.weft.benchmarks.fixtures.SpringBooks;
import io.weft.benchmarks.fixtures.SpringCacheConfig;
import io.weft.benchmarks.fixtures.UncachedBooks;
import io.weft.benchmarks.fixtures.WeftBooks;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The miss path: every call has a key never seen before, so every call runs the method body (which
 * returns the prepared list) and stores the result in a full, size-bounded cache (10,000 entries, the
 * default {@code weft.l1.maxSize}), evicting an older entry. Each variant minus {@link #floorUncachedCall}
 * is what a miss costs on top of the method itself. See docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Miss {

    /**
     * Fresh user ids: {@code new UUID(random, counter++)}. They never repeat, so no call can hit. The
     * cached variants keep the UUID (32 bytes) in their key; in the uncached floor, which ignores its
     * argument, the JIT removes the allocation.
     */
    @State(Scope.Thread)
    public static class Keys {
        private long high;
        private long next;
        public long issued;

        @Setup(Level.Trial)
        public void setUp() {
            high = ThreadLocalRandom.current().nextLong();
        }

        public UUID next() {
            issued++;
            return new UUID(high, next++);
        }
    }

    /** Caffeine's own single-flight load, {@code get(key, loader)}, with the key built by hand. */
    @State(Scope.Benchmark)
    public static class RawCaffeine {
        public Cache<String, List<Book>> cache;
        public UncachedBooks books;

        @Setup
        public void setUp() {
            cache = Fixtures.userCaffeine().build();
            books = new UncachedBooks(Fixtures.BOOKS);
        }
    }

    @State(Scope.Benchmark)
    public static class Weft {
        public WeftBooks books;
        private long bodyRunsBefore;

        @Setup
        public void setUp() {
            books = new WeftBooks(Fixtures.BOOKS);
            WeftBooks.requireWoven(books, Fixtures.USER);
            bodyRunsBefore = books.bodyRuns();
        }

        long bodyRunsBefore() {
            return bodyRunsBefore;
        }
    }

    /** The keys of the Weft variant, which check at the end that every call missed (exact with one thread). */
    @State(Scope.Thread)
    public static class WeftKeys extends Keys {
        @TearDown(Level.Trial)
        public void check(BenchmarkParams params, Weft weft) {
            long ran = weft.books.bodyRuns() - weft.bodyRunsBefore();
            if (params.getThreads() == 1 && ran != issued) {
                throw new IllegalStateException("Weft miss benchmark: " + issued + " calls ran the body "
                        + ran + " times; every call should have missed");
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Spring {
        public AnnotationConfigApplicationContext context;
        public SpringBooks books;

        @Setup
        public void setUp() {
            context = SpringCacheConfig.start();
            books = context.getBean(SpringBooks.class);
        }

        @TearDown
        public void close() {
            context.close();
        }
    }

    /** The floor: the uncached method with a fresh argument. */
    @Benchmark
    public List<Book> floorUncachedCall(UncachedBooks.State subject, Keys keys) {
        return subject.books.getBooks(keys.next());
    }

    /** Raw Caffeine: key built by hand, {@code cache.get(key, k -> method(id))}. */
    @Benchmark
    public List<Book> caffeineGetWithLoader(RawCaffeine subject, Keys keys) {
        UUID userId = keys.next();
        UncachedBooks books = subject.books;
        return subject.cache.get(Fixtures.PREFIX + userId, k -> books.getBooks(userId));
    }

    /** Weft: the woven method; lookup, single-flight registration, the body, and the store. */
    @Benchmark
    public List<Book> weft(Weft subject, WeftKeys keys) {
        return subject.books.getBooks(keys.next());
    }

    /** Spring {@code @Cacheable} with {@code CaffeineCacheManager}: lookup, the body, {@code put}. */
    @Benchmark
    public List<Book> springCacheable(Spring subject, Keys keys) {
        return subject.books.getBooks(keys.next());
    }
}
