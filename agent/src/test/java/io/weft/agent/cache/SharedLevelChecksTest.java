package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.LogCapture;
import io.weft.agent.testing.RedisFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code weft.redis.uri} and {@code weft.events.<type>} are checked when the settings are read: what the connectors
 * would refuse is one of {@link WeftConfig#problems()} (reported at start; {@code weft.strict=true} stops the JVM),
 * and a bad mapping turns off only its own type, never Redis.
 */
class SharedLevelChecksTest {

    private static WeftConfig config(Map<String, String> properties, Map<String, String> environment) {
        return new WeftConfig(ConfigSources.of(properties, environment), new SharedLevelChecks());
    }

    @Test
    void aBadEventMappingIsAProblemAndTheOtherMappingsAndRedisStillWork() throws Exception {
        try (Closer closer = new Closer()) {
            RedisFixture redis = closer.later(RedisFixture.startLocal(null));
            WeftConfig config = config(Map.of("weft.redis.uri", redis.uri(), "weft.namespace", "checks:",
                    "weft.events.book.updated", "storybook:book:{book_id", "weft.events.price.changed", "price:{sku}"),
                    Map.of());
            assertEquals(1, config.problems().size(), config.problems().toString());
            String problem = config.problems().get(0);
            assertTrue(problem.startsWith("weft.events.book.updated: "), problem);
            assertTrue(problem.contains("events of type book.updated from other services evict nothing"), problem);
            assertEquals(Map.of("price.changed", "price:{sku}"), config.eventTemplates());
            assertEquals(redis.uri(), config.redisUri());

            CacheRuntime runtime = new CacheRuntime(new MethodTable(), new LoaderScopes(), 100,
                    TimeUnit.MINUTES.toNanos(1), Duration.ofSeconds(5), Ticker.systemTicker(), Ticker.systemTicker());
            RedisConnector connector = closer.later(RedisConnector.connect(runtime, config));
            Await.until("the event reader reads", () -> connector.reader().connected());
            assertEquals(List.of("checks:events:cache.invalidated", "checks:events:price.changed"),
                    connector.reader().streams());
        }
    }

    @Test
    void aMappingFromTheEnvironmentIsCheckedToo() {
        WeftConfig config = config(Map.of(), Map.of("WEFT_EVENTS_BOOK_UPDATED", " , "));
        assertEquals(1, config.problems().size(), config.problems().toString());
        assertTrue(config.problems().get(0).startsWith("weft.events.book.updated: no key template"),
                config.problems().get(0));
        assertEquals(Map.of(), config.eventTemplates());
    }

    @Test
    void aCommaBetweenTwoPlaceholdersIsUsedAsOneTemplateAndWarnedAboutNamingTheSetting() {
        WeftConfig config = config(Map.of("weft.events.price.changed", "price:{region},{sku}",
                "weft.events.stock.changed", "stock:{region},,{sku}, stock:all"), Map.of());

        assertEquals(List.of(), config.problems());
        assertEquals(1, config.warnings().size(), config.warnings().toString());
        assertTrue(config.warnings().get(0).startsWith("weft.events.price.changed: 'price:{region},{sku}' is read as"
                + " one key template"), config.warnings().get(0));
        assertEquals(Map.of("price.changed", "price:{region},{sku}", "stock.changed", "stock:{region},,{sku}, stock:all"),
                config.eventTemplates());
    }

    @Test
    void aRedisUriThatDoesNotParseIsAProblemThatNeverShowsThePassword() {
        WeftConfig config = config(Map.of("weft.redis.uri", "redis://weft:s3 cret@host:6379"), Map.of());
        assertNull(config.redisUri());
        assertEquals(1, config.problems().size(), config.problems().toString());
        String problem = config.problems().get(0);
        assertTrue(problem.startsWith("weft.redis.uri: 'redis://****@host:6379' is not a Redis URI"), problem);
        assertTrue(problem.endsWith("Redis is not used, caching is L1 only"), problem);
        assertFalse(problem.contains("s3"), problem);
    }

    /** SPEC §4: seeds are a Cluster's; without weft.redis.cluster=true they were read as one unreachable host. */
    @Test
    void aListOfHostsWithoutClusterIsAProblemNamingTheSetting() {
        WeftConfig config = config(Map.of("weft.redis.uri", "redis://:s3cret@10.0.0.1:6379,10.0.0.2:6379"), Map.of());

        assertNull(config.redisUri());
        assertEquals(1, config.problems().size(), config.problems().toString());
        String problem = config.problems().get(0);
        assertTrue(problem.startsWith("weft.redis.uri: 'redis://****@10.0.0.1:6379,10.0.0.2:6379' names several hosts;"
                + " set weft.redis.cluster=true"), problem);
        assertFalse(problem.contains("s3"), problem);
        assertEquals(List.of(), config(Map.of("weft.redis.uri", "redis://10.0.0.1:6379,10.0.0.2:6379",
                "weft.redis.cluster", "true"), Map.of()).problems());
        assertEquals(List.of(), config(Map.of("weft.redis.uri", "redis-sentinel://10.0.0.1:26379,10.0.0.2:26379#m"),
                Map.of()).problems());
    }

    @Test
    void aPasswordHoldingAnUnencodedHashQuestionMarkOrSlashIsAProblemThatNeverShowsIt() {
        // the parser would take "u:s3cret" for the host, and every log line about Redis would show it
        Map<String, String> uris = Map.of("redis://u:s3cret#PW@127.0.0.1:6379", "'#'", "redis://:s3cret?PW@127.0.0.1:6379",
                "'?'", "redis-sentinel://:s3/cretPW@127.0.0.1:26379#mymaster", "'/'");
        for (Map.Entry<String, String> uri : uris.entrySet()) {
            for (String cluster : new String[] {"false", "true"}) {
                WeftConfig config = config(Map.of("weft.redis.uri", uri.getKey(), "weft.redis.cluster", cluster),
                        Map.of());
                assertNull(config.redisUri(), uri.getKey());
                assertEquals(1, config.problems().size(), config.problems().toString());
                String problem = config.problems().get(0);
                assertTrue(problem.contains("holds a " + uri.getValue()) && problem.contains("percent-encoded"), problem);
                assertFalse(problem.contains("s3") || problem.contains("PW"), problem);
            }
        }
        WeftConfig encoded = config(Map.of("weft.redis.uri", "redis://u:s3cret%23PW@127.0.0.1:6379"), Map.of());
        assertEquals(List.of(), encoded.problems());
    }

    @Test
    void aJdbcUrlThePostgresDriverCannotReadIsAProblemThatNeverShowsThePassword() {
        for (String url : new String[] {"jdbc:postgresql://db/app?user=weft&password=100%secure",
            "jdbc:postgresql://db:5432?user=weft&password=100secure"}) {
            try (LogCapture log = new LogCapture()) {
                WeftConfig config = config(Map.of("weft.store.uri", url), Map.of());
                assertNull(config.storeUri(), url);
                assertEquals(1, config.problems().size(), config.problems().toString());
                String problem = config.problems().get(0);
                assertTrue(problem.startsWith("weft.store.uri "), problem);
                assertTrue(problem.endsWith("the database is not used, caching is L1 only"), problem);
                assertFalse(problem.contains("secure"), problem);
                assertFalse(log.text().contains("secure"), "pgjdbc's own warning quotes the URL: " + log.text());
            }
        }
    }

    @Test
    void aJdbcUrlThePostgresDriverReadsIsNoProblem() {
        for (String url : new String[] {"jdbc:postgresql://db/app?user=weft&password=100%25secure",
            "jdbc:postgresql://db:5432/app?user=weft&sslpassword=k3y&ssl=true", "jdbc:postgresql://[::1]:5432/app",
            "jdbc:postgresql://db1:5432,db2:5432/app?targetServerType=primary"}) {
            WeftConfig config = config(Map.of("weft.store.uri", url), Map.of());
            assertEquals(List.of(), config.problems(), url);
            assertEquals(url, config.storeUri());
        }
        assertFalse(org.postgresql.Driver.isRegistered(), "the check leaves Weft's driver out of DriverManager");
    }

    @Test
    void clusterSeedsAreCheckedAsACluster() {
        WeftConfig config = config(Map.of("weft.redis.uri", "redis://:s3cret@10.0.0.1:7000,,10.0.0.2:7000",
                "weft.redis.cluster", "true"), Map.of());
        assertNull(config.redisUri());
        assertEquals(1, config.problems().size(), config.problems().toString());
        assertTrue(config.problems().get(0).contains("does not name the seed nodes of a Redis Cluster"),
                config.problems().get(0));
        assertFalse(config.problems().get(0).contains("s3cret"), config.problems().get(0));
    }

    @Test
    void usableUrisAndMappingsAreNoProblem() {
        for (String uri : new String[] {"redis://127.0.0.1:6379", "rediss://weft:s3cret@cache.example.com:6380/2",
            "redis-sentinel://weft:s3cret@10.0.0.1:26379,10.0.0.2:26379/1#mymaster"}) {
            WeftConfig config = config(Map.of("weft.redis.uri", uri, "weft.events.prices.changed", "price:{skus[*]}"),
                    Map.of());
            assertEquals(List.of(), config.problems(), uri);
            assertEquals(uri, config.redisUri());
        }
    }
}
