package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.keys.BatchTemplate;
import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.keys.Template;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch methods against a private {@code redis-server} (SPEC §13), two runtimes as two instances: elements share
 * their Redis entries with a single-element method, 1,000 elements of which 900 are in Redis cost two scripts (one
 * lookup, one store), and an element invalidated while the body loads it is stored neither in L1 nor in Redis.
 */
class BatchRedisTest {

    private static final String NS = "batch:";

    /** The methods the two instances cache: their declared types are how values are read back from Redis. */
    static final class Prices {
        Map<String, Integer> prices(List<String> skus) {
            return Map.of();
        }

        Integer price(String sku) {
            return 0;
        }
    }

    /** One instance: a runtime connected to the shared Redis, with the batch and the single-element method. */
    private final class Instance {
        final MethodTable methods = new MethodTable();
        final LoaderScopes scopes = new LoaderScopes();
        final CacheRegistry caches = new CacheRegistry();
        final CacheRuntime runtime = new CacheRuntime(methods, scopes, 10_000, TimeUnit.HOURS.toNanos(1),
                Duration.ofSeconds(5), Ticker.systemTicker(), Ticker.systemTicker());
        final List<List<String>> bodyCalls = new ArrayList<>();
        final int batch;
        final int single;
        private final String id;
        private final Duration leaseWait;

        Instance(String id) {
            this(id, Duration.ofSeconds(1));
        }

        /** @param leaseWait {@code weft.lease.wait} */
        Instance(String id, Duration leaseWait) {
            this(id, leaseWait, true);
        }

        /** @param connected whether to connect Redis now; else it is being connected until {@link #connect} */
        Instance(String id, Duration leaseWait, boolean connected) {
            this.id = id;
            this.leaseWait = leaseWait;
            ClassLoader loader = getClass().getClassLoader();
            BatchTemplate key = BatchTemplate.bind(Template.parse("price:{skus[*]}"), new ListParameter("skus", null),
                    false);
            DeclaredMethod batchMethod = new DeclaredMethod(Prices.class.getName(), "prices", List.of("java.util.List"),
                    List.of("skus"), loader);
            batch = methods.register(new BatchMethod(method(batchMethod, key.element(), ResultShape.BATCH), key));
            DeclaredMethod singleMethod = new DeclaredMethod(Prices.class.getName(), "price",
                    List.of("java.lang.String"), List.of("sku"), loader);
            single = methods.register(method(singleMethod, (args, result) -> "price:" + args[0], ResultShape.PLAIN));
            if (connected) {
                connect();
            } else {
                runtime.connecting(Duration.ofMillis(1));
            }
        }

        /** Connects Redis as {@code RedisConnector} does, and stores what was loaded while it was being connected. */
        void connect() {
            RedisStore store = closer.later(new RedisStore(endpoint, Duration.ofSeconds(2), new CircuitBreaker(id)));
            RedisConnector.awaitOpen(store, RedisConnector.OPEN_WAIT);
            runtime.connect(new SharedLevel(store, new ValueCodecs(1 << 20, 0), NS, leaseWait), null, id,
                    bound -> true);
            runtime.sendDeferredStores();
        }

        private CachedMethod method(DeclaredMethod declared, KeyRenderer key, ResultShape shape) {
            return new CachedMethod(declared, caches.cache("price", true), key, scopes.of(getClass().getClassLoader()),
                    3_600_000,
                    TimeUnit.HOURS.toNanos(1), false, true, shape, null, List.of(), false, 0);
        }

        /** A call as woven code makes it: the body (which records its argument) runs only with the missing SKUs. */
        @SuppressWarnings("unchecked")
        Map<String, Integer> prices(List<String> skus, Function<List<String>, Map<String, Integer>> body) {
            Object[] args = {skus};
            Token token = runtime.enterBatch(batch, args);
            if (token instanceof Hit) {
                return (Map<String, Integer>) ((Hit) token).value();
            }
            List<String> missing = (List<String>) args[0];
            bodyCalls.add(missing);
            return (Map<String, Integer>) runtime.exitBatch(batch, token, args, body.apply(missing));
        }

        Map<String, Integer> prices(List<String> skus) {
            return prices(skus, BatchRedisTest::lengths);
        }

        Object price(String sku) {
            return WovenCall.call(runtime, single, sku, () -> {
                bodyCalls.add(List.of(sku));
                return sku.length();
            });
        }
    }

    private final Closer closer = new Closer();
    private RedisFixture redis;
    private RedisEndpoint endpoint;

    @BeforeEach
    void start() {
        redis = closer.later(RedisFixture.startLocal(null));
        endpoint = closer.later(new RedisEndpoint(redis.uri()));
    }

    @AfterEach
    void stop() throws Exception {
        closer.close();
    }

    private static Map<String, Integer> lengths(List<String> skus) {
        Map<String, Integer> prices = new LinkedHashMap<>();
        skus.forEach(sku -> prices.put(sku, sku.length()));
        return prices;
    }

    private static List<String> skus(int from, int to) {
        List<String> skus = new ArrayList<>();
        for (int i = from; i < to; i++) {
            skus.add("sku" + i);
        }
        return skus;
    }

    @Test
    void aBatchMissIsTheInstancesFirstLookupForWhereItsEventReaderStarts() {
        Instance first = new Instance("first");
        assertEquals(0, first.runtime.cachingForMillis(), "nothing looked up yet: a reader would start at the end");
        first.prices(List.of("a", "b"));
        assertTrue(first.runtime.cachingForMillis() > 0,
                "the reader must start back at this lookup, or it misses the evictions of what the batch read");
    }

    @Test
    void elementsShareTheirRedisEntriesWithTheSingleElementMethodAcrossInstances() {
        Instance one = new Instance("one");
        Instance other = new Instance("other");
        assertEquals(1, one.price("a"));
        Await.until("a stored", () -> "1".equals(redis.admin().get(NS + "price:a")));

        assertEquals(Map.of("a", 1, "bb", 2), other.prices(List.of("a", "bb")));
        assertEquals(List.of(List.of("bb")), other.bodyCalls, "a was an L2 hit, written by the single-element method");
        Await.until("bb stored", () -> "2".equals(redis.admin().get(NS + "price:bb")));
        assertEquals(2, one.price("bb"), "an L2 hit on what the batch stored");
        assertEquals(List.of(List.of("a")), one.bodyCalls);
        assertEquals(0, redis.admin().keys(NS + "*weft-lease*").size(), "no lease left behind");
    }

    @Test
    void aThousandElementsWithNineHundredInRedisCostOneLookupAndOneStore() {
        Instance warm = new Instance("warm");
        warm.prices(skus(0, 900));
        Await.until("900 stored", () -> redis.values(NS + "price:*") == 900);
        Instance cold = new Instance("cold");
        long scripts = redis.scriptCalls();
        Map<String, Long> before = commands();

        Map<String, Integer> prices = cold.prices(skus(0, 1000));

        assertEquals(1000, prices.size());
        assertEquals(new ArrayList<>(skus(0, 1000)), new ArrayList<>(prices.keySet()), "the caller's order");
        assertEquals(List.of(skus(900, 1000)), cold.bodyCalls, "one call with the 100 missing");
        Await.until("the 100 stored", () -> redis.values(NS + "price:*") == 1000);
        assertEquals(2, redis.scriptCalls() - scripts, "one lookup script and one store script");
        Map<String, Long> sent = commands();
        sent.replaceAll((command, calls) -> calls - before.getOrDefault(command, 0L));
        sent.values().removeIf(calls -> calls == 0);
        // inside the scripts: a GET per key, a PTTL per hit, a SET NX per miss (its lease); a GET (the lease), a SET
        // and a DEL (the lease) per stored value
        assertEquals(Map.of("evalsha", 2L, "get", 1100L, "pttl", 900L, "set", 200L, "del", 100L), sent,
                "nothing but the two scripts");
        assertInstanceOf(LinkedHashMap.class, cold.prices(skus(0, 1000)));
        assertEquals(2, redis.scriptCalls() - scripts, "then all in L1: nothing sent");
    }

    @Test
    void anElementInvalidatedWhileItLoadsIsKeptNeitherInL1NorInRedis() {
        Instance one = new Instance("one");
        one.prices(List.of("x", "yy"), missing -> {
            assertEquals(2, redis.admin().keys(NS + "*:weft-lease").size(), "a lease per missing element");
            // another instance's invalidation of x: its DEL of the key and the lease, and this instance's L1 eviction
            redis.admin().del(NS + "price:x", NS + "price:x:weft-lease");
            one.runtime.evictKey("price:x");
            return lengths(missing);
        });
        Await.until("yy stored", () -> "2".equals(redis.admin().get(NS + "price:yy")));
        Await.until("no lease left", () -> redis.admin().keys(NS + "*:weft-lease").isEmpty());
        assertEquals(0, redis.admin().exists(NS + "price:x"), "x was not stored in Redis");

        assertEquals(Map.of("x", 1, "yy", 2), one.prices(List.of("x", "yy")));
        assertEquals(List.of(List.of("x", "yy"), List.of("x")), one.bodyCalls, "x was not kept in L1 either");
    }

    @Test
    void elementsLoadedWhileRedisIsBeingConnectedAreStoredOnceConnectedAndWhatRedisHoldsStays() {
        redis.admin().set(NS + "price:a", "41");
        Instance one = new Instance("one", Duration.ofSeconds(1), false);

        assertEquals(Map.of("a", 1, "bb", 2), one.prices(List.of("a", "bb")), "Redis was not there yet");
        one.connect();

        Await.until("bb stored once connected", () -> "2".equals(redis.admin().get(NS + "price:bb")));
        Await.until("no lease left", () -> redis.admin().keys(NS + "*weft-lease*").isEmpty());
        assertEquals("41", redis.admin().get(NS + "price:a"), "what Redis held is neither replaced nor deleted");
    }

    @Test
    void anElementThatAnotherInstanceIsLoadingIsAwaitedAndReadFromRedis() throws Exception {
        Instance one = new Instance("one", Duration.ofSeconds(20));
        redis.admin().set(NS + "price:zzz:weft-lease", "another instance", io.lettuce.core.SetArgs.Builder.px(30_000));
        long scripts = redis.scriptCalls();
        java.util.concurrent.CompletableFuture<Map<String, Integer>> batch = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> one.prices(List.of("zzz", "w")));
        Await.until("the batch looks at zzz again", () -> redis.scriptCalls() - scripts >= 2);
        // the other instance stores its value under its lease, as set-if-leased does
        redis.admin().set(NS + "price:zzz", "26");
        redis.admin().del(NS + "price:zzz:weft-lease");

        assertEquals(Map.of("zzz", 26, "w", 1), batch.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(List.of("w")), one.bodyCalls, "zzz came from the other instance");
        assertEquals(1, one.caches.find("price").stats().leaseWaits());
        assertEquals(0, one.caches.find("price").stats().leaseWaitTimeouts());
    }

    @Test
    void anElementWhoseLeaseIsNeverGivenBackIsLoadedAfterTheLeaseWaitAndNotStored() {
        Instance one = new Instance("one", Duration.ofMillis(100));
        redis.admin().set(NS + "price:zzz:weft-lease", "another instance", io.lettuce.core.SetArgs.Builder.px(30_000));

        assertEquals(Map.of("zzz", 3, "w", 1), one.prices(List.of("zzz", "w")));

        assertEquals(List.of(List.of("zzz", "w")), one.bodyCalls);
        Await.until("w stored", () -> "1".equals(redis.admin().get(NS + "price:w")));
        assertEquals(0, redis.admin().exists(NS + "price:zzz"), "zzz's lease is not ours: not stored");
        assertEquals("another instance", redis.admin().get(NS + "price:zzz:weft-lease"));
        assertEquals(1, one.caches.find("price").stats().leaseWaitTimeouts());
    }

    /**
     * Calls of each command this Redis has run, those run by scripts included, except the test's own ({@code INFO}
     * that reads them, {@code KEYS} that awaits the stores).
     */
    private Map<String, Long> commands() {
        Map<String, Long> calls = new java.util.HashMap<>();
        for (String line : redis.admin().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:") && !line.startsWith("cmdstat_keys:")) {
                calls.put(line.substring("cmdstat_".length(), line.indexOf(':')),
                        Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(','))));
            }
        }
        return calls;
    }
}
