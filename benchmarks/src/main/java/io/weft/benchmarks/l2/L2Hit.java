package io.weft.benchmarks.l2;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.weft.benchmarks.fixtures.Book;
import io.weft.benchmarks.fixtures.Fixtures;
import io.weft.benchmarks.fixtures.SpringRedisBooks;
import io.weft.benchmarks.fixtures.SpringRedisCacheConfig;
import io.weft.benchmarks.fixtures.WeftRemoteBooks;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * An L2 hit of {@code List<Book> getBooks(UUID userId)} (the ~1 KB list of {@link Fixtures#BOOKS}) from a
 * real redis-server on loopback, with no L1 in the way. See docs/benchmarks.md.
 *
 * <p>The fork needs {@code -Dbenchmarks.redis=redis://127.0.0.1:<port>} (a private Redis: run.sh starts
 * one) and, for {@link #weft}, {@code -javaagent:<weft-agent.jar> -Dweft.redis.uri=<same> -Dweft.l1.maxSize=0}
 * ({@code io.weft.benchmarks.Suite --redis URI} passes all of them): Weft without an L1, so every call is an
 * L2 hit. Every variant cycles over {@value #USERS} users all the same.
 * {@link #springCacheable} is Spring's {@code @Cacheable} with a {@code RedisCacheManager} and a JSON value
 * serializer ({@link SpringRedisCacheConfig}): it has no local tier, so every call is a Redis {@code GET}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class L2Hit {

    static final int USERS = 64;

    static final TypeReference<List<Book>> BOOK_LIST = new TypeReference<>() {
    };

    static String redisUri() {
        String uri = System.getProperty("benchmarks.redis");
        if (uri == null || uri.isEmpty()) {
            throw new IllegalStateException("L2Hit needs -Dbenchmarks.redis=redis://127.0.0.1:<port> of a private"
                    + " redis-server (benchmarks/run.sh starts one)");
        }
        return uri;
    }

    static UUID user(int i) {
        return new UUID(0x12L, i);
    }

    /** The users cycled over; a distinct UUID instance from the one used to fill, as in L1Hit. */
    @State(Scope.Thread)
    public static class Users {
        public UUID[] ids;
        public int next;

        @Setup
        public void setUp() {
            ids = new UUID[USERS];
            for (int i = 0; i < USERS; i++) {
                ids[i] = new UUID(user(i).getMostSignificantBits(), user(i).getLeastSignificantBits());
            }
        }
    }

    /** Raw Lettuce (sync API, byte[] values) and Jackson: what a hand-written L2 read is. */
    @State(Scope.Benchmark)
    public static class Raw {
        public RedisClient client;
        public StatefulRedisConnection<String, byte[]> connection;
        public RedisCommands<String, byte[]> redis;
        public ObjectMapper mapper;
        public int payloadBytes;

        @Setup
        public void setUp() throws Exception {
            client = RedisClient.create(redisUri());
            connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            redis = connection.sync();
            mapper = new ObjectMapper();
            byte[] json = mapper.writeValueAsBytes(Fixtures.BOOKS);
            payloadBytes = json.length;
            for (int i = 0; i < USERS; i++) {
                redis.set("bench:l2raw:" + user(i), json);
            }
            List<Book> back = mapper.readValue(redis.get("bench:l2raw:" + user(0)), BOOK_LIST);
            if (!back.equals(Fixtures.BOOKS)) {
                throw new IllegalStateException("the raw L2 value does not read back equal: " + back);
            }
            System.out.println("raw L2 payload: " + payloadBytes + " B of JSON");
        }

        @TearDown
        public void tearDown() {
            connection.close();
            client.shutdown();
        }
    }

    /** Weft without an L1: fills Redis through the woven method and checks that it is woven and L2-backed. */
    @State(Scope.Benchmark)
    public static class Weft {
        public WeftRemoteBooks books;
        private BodyRuns bodyRuns;

        @Setup
        public void setUp() throws Exception {
            if (!"0".equals(System.getProperty("weft.l1.maxSize")) || System.getProperty("weft.redis.uri") == null) {
                throw new IllegalStateException("the Weft L2 benchmark needs -Dweft.redis.uri=<uri> -Dweft.l1.maxSize=0"
                        + " (io.weft.benchmarks.Suite --redis passes them)");
            }
            // an earlier fork left its values in Redis: start from an empty key space, so the fill runs the body
            RedisClient cleaner = RedisClient.create(redisUri());
            try (StatefulRedisConnection<String, String> c = cleaner.connect()) {
                for (int i = 0; i < USERS; i++) {
                    c.sync().del(WeftRemoteBooks.PREFIX + user(i), WeftRemoteBooks.PREFIX + user(i) + ":weft-lease");
                }
            } finally {
                cleaner.shutdown();
            }
            books = new WeftRemoteBooks(Fixtures.BOOKS);
            bodyRuns = new BodyRuns("WeftRemoteBooks#getBooks", "Redis", books::bodyRuns);
            for (int i = 0; i < USERS; i++) {
                books.getBooks(user(i));
            }
            if (books.bodyRuns() != USERS) {
                throw new IllegalStateException("WeftRemoteBooks#getBooks is not woven or not cached (body ran "
                        + books.bodyRuns() + " times for " + USERS + " distinct users): start the fork with"
                        + " -javaagent:<agent/target/weft-agent.jar>");
            }
            // The store to Redis is asynchronous: wait until every key is there. In a JVM this young a Redis call
            // can exceed weft.redis.timeout (250 ms); Weft then skips that store, and a later miss fills the key.
            RedisClient client = RedisClient.create(redisUri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                for (int i = 0; i < USERS; i++) {
                    String key = WeftRemoteBooks.PREFIX + user(i);
                    long retryAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    while (c.sync().exists(key) == 0) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("Weft did not store " + key + " in Redis within 10 s");
                        }
                        if (System.nanoTime() > retryAt) {
                            books.getBooks(user(i));
                            retryAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                        }
                        Thread.sleep(5);
                    }
                }
                bodyRuns.filled();
                System.out.println("Weft L2 payload: " + c.sync().strlen(WeftRemoteBooks.PREFIX + user(0))
                        + " B in Redis");
            } finally {
                client.shutdown();
            }
            for (int i = 0; i < USERS; i++) {
                UUID id = new UUID(user(i).getMostSignificantBits(), user(i).getLeastSignificantBits());
                List<Book> back = books.getBooks(id);
                if (back == Fixtures.BOOKS || !back.equals(Fixtures.BOOKS)) {
                    throw new IllegalStateException("Weft's L2 hit did not return an equal copy read from Redis"
                            + " (same instance: " + (back == Fixtures.BOOKS) + ")");
                }
            }
            bodyRuns.requireNone();
        }

        @TearDown(Level.Iteration)
        public void check() {
            bodyRuns.requireNone();
        }
    }

    /**
     * Spring {@code @Cacheable} with {@code RedisCacheManager} ({@link SpringRedisCacheConfig}): fills Redis
     * through the proxied method and checks that the proxy caches it and that each later call reads Redis.
     */
    @State(Scope.Benchmark)
    public static class Spring {
        public AnnotationConfigApplicationContext context;
        public SpringRedisBooks books;
        private BodyRuns bodyRuns;

        @Setup
        public void setUp() throws Exception {
            // an earlier fork left its values in Redis: start from an empty key space, so the fill runs the body
            RedisClient client = RedisClient.create(redisUri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                for (int i = 0; i < USERS; i++) {
                    c.sync().del(SpringRedisBooks.PREFIX + user(i));
                }
                context = SpringRedisCacheConfig.start(redisUri());
                books = context.getBean(SpringRedisBooks.class);
                bodyRuns = new BodyRuns("SpringRedisBooks#getBooks", "Redis", books::bodyRuns);
                for (int i = 0; i < USERS; i++) {
                    books.getBooks(user(i));
                }
                if (books.bodyRuns() != USERS) {
                    throw new IllegalStateException("SpringRedisBooks#getBooks ran " + books.bodyRuns() + " times for "
                            + USERS + " distinct users: the bean is not proxied");
                }
                // RedisCache#put writes synchronously: every key is there now, or the calls were not cached in Redis
                for (int i = 0; i < USERS; i++) {
                    if (c.sync().exists(SpringRedisBooks.PREFIX + user(i)) == 0) {
                        throw new IllegalStateException("Spring did not store " + SpringRedisBooks.PREFIX + user(i)
                                + " in Redis");
                    }
                }
                System.out.println("Spring L2 payload: " + c.sync().strlen(SpringRedisBooks.PREFIX + user(0))
                        + " B in Redis");
                // no tier in front of Redis: a key removed behind Spring's back runs the body again
                c.sync().del(SpringRedisBooks.PREFIX + user(0));
                books.getBooks(user(0));
                if (books.bodyRuns() != USERS + 1) {
                    throw new IllegalStateException("Spring served a key deleted from Redis without running the body:"
                            + " its hits would not be Redis reads");
                }
                bodyRuns.filled();
                for (int i = 0; i < USERS; i++) {
                    UUID id = new UUID(user(i).getMostSignificantBits(), user(i).getLeastSignificantBits());
                    List<Book> back = books.getBooks(id);
                    if (back == Fixtures.BOOKS || !back.equals(Fixtures.BOOKS)) {
                        throw new IllegalStateException("Spring's cache hit did not return an equal copy read from"
                                + " Redis (same instance: " + (back == Fixtures.BOOKS) + ")");
                    }
                }
                bodyRuns.requireNone();
            } finally {
                client.shutdown();
            }
        }

        @TearDown(Level.Iteration)
        public void check() {
            bodyRuns.requireNone();
        }

        @TearDown
        public void tearDown() {
            context.close();
        }
    }

    @Benchmark
    public List<Book> floorLettuceGetJackson(Raw raw, Users users) throws Exception {
        int i = users.next;
        users.next = (i + 1) & (USERS - 1);
        return raw.mapper.readValue(raw.redis.get("bench:l2raw:" + users.ids[i]), BOOK_LIST);
    }

    @Benchmark
    public List<Book> weft(Weft weft, Users users) {
        int i = users.next;
        users.next = (i + 1) & (USERS - 1);
        return weft.books.getBooks(users.ids[i]);
    }

    @Benchmark
    public List<Book> springCacheable(Spring spring, Users users) {
        int i = users.next;
        users.next = (i + 1) & (USERS - 1);
        return spring.books.getBooks(users.ids[i]);
    }
}
