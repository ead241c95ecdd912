package io.weft.benchmarks.eviction;

import static io.weft.benchmarks.PeerJvms.micros;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One of the two JVMs of an eviction-delay measurement, started by {@link Eviction}:
 * {@code EvictionPeer reader|writer xadd|del-xadd|pubsub|weft <redis uri> <messages> <log file> [<period µs>]}.
 * Each writes one line per message, {@code <i> <wall-clock µs>}: the writer the time of the write (for
 * {@code xadd} and {@code pubsub} the timestamp carried in the message, taken just before the command;
 * for {@code weft} the time the {@code @InvalidateCache} call returned), the reader the time it saw it (for
 * {@code weft}: when the call that missed L1 started; a second log says when its body ran).
 * A reader prints {@code READY} once it is listening (for {@code weft}: once every key is cached).
 */
public final class EvictionPeer {

    static final String STREAM = "bench:evict:stream";
    static final String CHANNEL = "bench:evict:channel";
    /** As long as the JSON of the event Weft publishes for {@link Subject#invalidate} (SPEC §6). */
    private static final String EVENT_SIZED = "{\"type\":\"cache.invalidated\",\"payload\":{\"keys\":"
            + "[\"bench:evict:1234\"],\"prefixes\":[],\"i\":1234},\"timestamp\":\"2026-12-07T01:02:03.456Z\","
            + "\"source\":\"weft:host:12345:0123456789abcdef\",\"event_id\":\"01234567-89ab-cdef-0123-456789abcdef\"}";

    /** Suffix of the weft reader's second log: when the body ran again after the miss. */
    static final String RELOADED = ".reloaded";
    /** The writer's log of how long each write call took (µs): its own round trip, beside {@code XADD}'s. */
    static final String CALLS = ".calls";
    /** The Weft writer's log of the plain {@code DEL} round trip it measures beside each call (µs). */
    static final String ROUND_TRIPS = ".round-trips";

    private EvictionPeer() {
    }

    /** The Weft subject, woven by the agent in both JVMs of the {@code weft} variant (as in the PingPong test app). */
    public static class Subject {
        static final AtomicLong LOADED_AT = new AtomicLong();

        @CacheResult(key = "bench:evict:{i}", ttl = "1h")
        public int value(int i) {
            LOADED_AT.set(micros());
            return i;
        }

        @InvalidateCache(keys = "bench:evict:{i}")
        public void invalidate(int i) {
        }
    }

    public static void main(String[] args) throws Exception {
        String role = args[0];
        String mode = args[1];
        String uri = args[2];
        int n = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        long periodNanos = args.length > 5 ? TimeUnit.MICROSECONDS.toNanos(Long.parseLong(args[5])) : 0;
        long[] times = new long[n];
        long[] reloaded = new long[n];
        long[] calls = new long[n];
        if (mode.equals("weft")) {
            if (role.equals("reader")) {
                weftReader(n, times, reloaded);
            } else {
                weftWriter(uri, n, times, calls, reloaded, periodNanos);
            }
        } else {
            RedisURI redisUri = RedisURI.create(uri);
            redisUri.setTimeout(Duration.ofMinutes(10)); // XREAD BLOCK 0 waits as long as it takes
            RedisClient client = RedisClient.create(redisUri);
            try {
                if (mode.equals("xadd") || mode.equals("del-xadd")) {
                    if (role.equals("reader")) {
                        xreadReader(client, n, times);
                    } else if (mode.equals("xadd")) {
                        xaddWriter(client, n, times, calls, periodNanos);
                    } else {
                        delXaddWriter(client, n, times, calls, periodNanos);
                    }
                } else if (mode.equals("pubsub")) {
                    if (role.equals("reader")) {
                        subscribeReader(client, n, times);
                    } else {
                        publishWriter(client, n, times, periodNanos);
                    }
                } else {
                    throw new IllegalArgumentException("unknown mode " + mode);
                }
            } finally {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            }
        }
        write(out, times);
        if (mode.equals("weft")) {
            // the reader's reloads, the writer's plain round trips
            write(Path.of(out + (role.equals("reader") ? RELOADED : ROUND_TRIPS)), reloaded);
        }
        if (role.equals("writer") && !mode.equals("pubsub")) {
            write(Path.of(out + CALLS), calls);
        }
        System.out.println("DONE");
        System.exit(0);
    }

    private static void write(Path out, long[] times) throws IOException {
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = 0; i < times.length; i++) {
                if (times[i] != 0) {
                    log.println(i + " " + times[i]);
                }
            }
        }
    }

    /** Waits for the next tick of a fixed-rate schedule. */
    private static long await(long next, long periodNanos) {
        next += periodNanos;
        long wait;
        while ((wait = next - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
        return next;
    }

    private static void xaddWriter(RedisClient client, int n, long[] times, long[] calls, long periodNanos) {
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> redis = c.sync();
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t = micros();
                long start = System.nanoTime();
                redis.xadd(STREAM, Map.of("i", Integer.toString(i), "t", Long.toString(t)));
                calls[i] = (System.nanoTime() - start) / 1000;
                times[i] = t;
                next = await(next, periodNanos);
            }
        }
    }

    /**
     * Weft's invalidating call without Weft, its floor: a {@code DEL} of a key and its lease's name with an entry of
     * an event's size appended right behind it on the same connection (one write, one round trip, as Weft sends them),
     * the call waiting for the {@code DEL}'s reply only.
     */
    private static void delXaddWriter(RedisClient client, int n, long[] times, long[] calls, long periodNanos)
            throws Exception {
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisAsyncCommands<String, String> redis = c.async();
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t = micros();
                long start = System.nanoTime();
                RedisFuture<Long> deleted = redis.del("bench:evict:" + i, "bench:evict:" + i + ":weft-lease");
                redis.xadd(STREAM, XAddArgs.Builder.maxlen(10_000).approximateTrimming(), Map.of("i",
                        Integer.toString(i), "t", Long.toString(t), "event", EVENT_SIZED));
                deleted.get(1, TimeUnit.MINUTES);
                calls[i] = (System.nanoTime() - start) / 1000;
                times[i] = t;
                next = await(next, periodNanos);
            }
        }
    }

    private static void xreadReader(RedisClient client, int n, long[] times) {
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> redis = c.sync();
            String last = "0-0"; // the stream is deleted before the run: nothing is missed however late we start
            System.out.println("READY");
            int seen = 0;
            while (seen < n) {
                List<StreamMessage<String, String>> messages =
                        redis.xread(XReadArgs.Builder.block(0), XReadArgs.StreamOffset.from(STREAM, last));
                long now = micros();
                for (StreamMessage<String, String> m : messages) {
                    times[Integer.parseInt(m.getBody().get("i"))] = now;
                    last = m.getId();
                    seen++;
                }
            }
        }
    }

    private static void publishWriter(RedisClient client, int n, long[] times, long periodNanos) {
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> redis = c.sync();
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t = micros();
                redis.publish(CHANNEL, i + " " + t);
                times[i] = t;
                next = await(next, periodNanos);
            }
        }
    }

    private static void subscribeReader(RedisClient client, int n, long[] times) throws InterruptedException {
        CountDownLatch all = new CountDownLatch(n);
        try (StatefulRedisPubSubConnection<String, String> c = client.connectPubSub()) {
            c.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    long now = micros();
                    times[Integer.parseInt(message.substring(0, message.indexOf(' ')))] = now;
                    all.countDown();
                }
            });
            c.sync().subscribe(CHANNEL); // returns once Redis confirmed the subscription
            System.out.println("READY");
            if (!all.await(10, TimeUnit.MINUTES)) {
                System.err.println("pub/sub reader: " + all.getCount() + " messages never arrived");
            }
        }
    }

    /**
     * Invalidates key after key; beside each call, one plain {@code DEL} of two keys on a Lettuce connection of its
     * own ({@code rtts}, µs): a Redis round trip measured in the same JVM under the same load, the floor of the call
     * (taken before the call on even messages, after it on odd ones).
     */
    private static void weftWriter(String uri, int n, long[] times, long[] calls, long[] rtts, long periodNanos) {
        Subject subject = new Subject();
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            RedisCommands<String, String> redis = c.sync();
            long next = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (i % 2 == 0) {
                    rtts[i] = roundTrip(redis, i);
                }
                long start = System.nanoTime();
                subject.invalidate(i);
                calls[i] = (System.nanoTime() - start) / 1000;
                times[i] = micros();
                if (i % 2 == 1) {
                    rtts[i] = roundTrip(redis, i);
                }
                next = await(next, periodNanos);
            }
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** One {@code DEL} of a key and its lease's name, as Weft's invalidation deletes; its time in µs. */
    private static long roundTrip(RedisCommands<String, String> redis, int i) {
        long start = System.nanoTime();
        redis.del("bench:evict:floor:" + i, "bench:evict:floor:" + i + ":weft-lease");
        return (System.nanoTime() - start) / 1000;
    }

    /**
     * Polls each key until the call that misses L1: {@code times[i]} is when that call started (the eviction
     * was seen), {@code reloaded[i]} when its body ran, after the L2 lookup that follows the miss.
     */
    private static void weftReader(int n, long[] times, long[] reloaded) throws InterruptedException {
        Subject subject = new Subject();
        for (int i = 0; i < n; i++) {
            subject.value(i);
        }
        long filled = Subject.LOADED_AT.get();
        for (int i = 0; i < n; i++) {
            subject.value(i);
        }
        if (Subject.LOADED_AT.get() != filled) {
            throw new IllegalStateException("Subject#value is not woven or not cached (its body ran again on a"
                    + " second call): start this JVM with -javaagent:<weft-agent.jar> -Dweft.redis.uri=...");
        }
        Thread.sleep(500); // the stores to Redis are asynchronous
        System.out.println("READY");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
            long before = Subject.LOADED_AT.get();
            while (System.nanoTime() < deadline) {
                long callStarted = micros();
                subject.value(i);
                if (Subject.LOADED_AT.get() != before) {
                    times[i] = callStarted;
                    reloaded[i] = Subject.LOADED_AT.get();
                    break;
                }
                LockSupport.parkNanos(20_000); // polls every ~20 µs (plus the timer slack) without taking a core
            }
        }
    }
}
