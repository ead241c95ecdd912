package io.weft.it;

import static io.weft.it.support.SampleApp.ALICE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.RedisCli;
import io.weft.it.support.SampleApp;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two sample-app instances on one Redis and one PostgreSQL, as behind a load balancer: a write on one
 * evicts on the other, the events keep SPEC §6's wire format, and a Python service's events evict too.
 */
class CrossInstanceTest {

    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    static final String BOOK = "a1ce0000-0000-0000-0000-000000000002";

    private static RedisFixture redis;
    private static String namespace;
    private static SampleApp a;
    private static SampleApp b;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisFixture.start();
        namespace = "it-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        a = SampleApp.start(instance("a"));
        b = SampleApp.start(instance("b").property("weft.events.book.updated", "storybook:book:{book_id},storybook:books:{user_id}")
                .property("weft.events.payloadNames", "snake_case"));
        for (SampleApp app : List.of(a, b)) {
            app.jvm().awaitStderr(line -> line.contains("reading invalidation events"), Duration.ofSeconds(30));
        }
    }

    static AppJvm.Builder instance(String name) {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                .property("weft.redis.timeout", "2s").property("sample.db.url", POSTGRES)
                .property("weft.http.port", "0").property("sample.instance", name);
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        redis.close();
    }

    private static String bookPath() {
        return "/api/v1/storybook/books/" + BOOK + "?user=" + ALICE;
    }

    @Test
    void aWriteOnOneInstanceEvictsTheEntryOnTheOther() throws Exception {
        b.get(bookPath());
        long loads = b.bodyRuns("getBook");
        b.get(bookPath());
        assertEquals(loads, b.bodyRuns("getBook"), "cached in b");
        String title = "Edited on a " + UUID.randomUUID();
        assertEquals(200, a.send("PUT", bookPath(), "{\"title\":\"" + title + "\"}").statusCode());
        long writeReturned = System.nanoTime();
        long[] seenAt = new long[1];
        Await.until(Duration.ofSeconds(10), "b serves the new title", () -> {
            try {
                boolean fresh = b.get(bookPath()).contains(title);
                seenAt[0] = System.nanoTime();
                return fresh;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        System.out.printf("cross-instance eviction seen by polling after %.1f ms%n", (seenAt[0] - writeReturned) / 1e6);
        Await.until(Duration.ofSeconds(5), "the reload's lease released after its store",
                () -> redis.admin().get(namespace + "storybook:book:" + BOOK + ":weft-lease") == null
                        && redis.admin().get(namespace + "storybook:book:" + BOOK) != null);
    }

    @Test
    void withSnakeCasePayloadNamesTheArgumentsAreNamedForPythonConsumers() throws Exception {
        String title = "Snake " + UUID.randomUUID();
        assertEquals(200, b.send("PUT", bookPath(), "{\"title\":\"" + title + "\"}").statusCode());
        String typed = namespace + "events:book.updated";
        Await.until(Duration.ofSeconds(10), "b's event", () -> last(typed) != null
                && last(typed).getBody().get("event").contains("\"book_id\":\"" + BOOK + "\""));
        String event = last(typed).getBody().get("event");
        assertTrue(event.contains("\"user_id\":\"" + ALICE + "\"") && !event.contains("\"bookId\""), event);
    }

    @Test
    void invalidationsAreAppendedInTheWireFormatOfTheSpec() throws Exception {
        String title = "Wire " + UUID.randomUUID();
        assertEquals(200, a.send("PUT", bookPath(), "{\"title\":\"" + title + "\"}").statusCode());
        String common = namespace + "events:cache.invalidated";
        String typed = namespace + "events:book.updated";
        Await.until(Duration.ofSeconds(10), "the event in both streams",
                () -> last(common) != null && last(typed) != null && last(typed).getBody().get("event").contains(BOOK));
        for (String stream : List.of(common, typed)) {
            Map<String, String> fields = last(stream).getBody();
            assertEquals(List.of("type", "event"), new ArrayList<>(fields.keySet()), stream);
            assertEquals("book.updated", fields.get("type"));
            String event = fields.get("event");
            assertTrue(event.startsWith("{\"type\":\"book.updated\",\"payload\":{\"keys\":[\"storybook:book:" + BOOK
                    + "\",\"storybook:books:" + ALICE + "\"],\"prefixes\":[]"), event);
            assertTrue(event.contains("\"bookId\":\"" + BOOK + "\"") && event.contains("\"userId\":\"" + ALICE + "\""),
                    event);
            Matcher ts = Pattern.compile("\"timestamp\":\"(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z)\"").matcher(event);
            assertTrue(ts.find(), event);
            Matcher id = Pattern.compile("\"event_id\":\"([0-9a-f-]{36})\"").matcher(event);
            assertTrue(id.find(), event);
            UUID.fromString(id.group(1));
            assertTrue(event.contains("\"source\":\"weft:"), "the form readers tell Weft's events by: " + event);
        }
    }

    @Test
    void aForeignEventFromAPythonServiceEvictsFromL1AndRedis() throws Exception {
        b.get(bookPath());
        long loads = b.bodyRuns("getBook");
        Await.until(Duration.ofSeconds(5), "the book in Redis",
                () -> redis.admin().get(namespace + "storybook:book:" + BOOK) != null);
        String event = "{\"type\":\"book.updated\",\"payload\":{\"book_id\":\"" + BOOK + "\",\"user_id\":\"" + ALICE
                + "\"},\"timestamp\":\"2026-11-21T10:00:00+00:00\",\"event_id\":\"py-" + UUID.randomUUID() + "\"}";
        RedisCli.run(redis, "XADD", namespace + "events:book.updated", "MAXLEN", "~", "10000", "*",
                "type", "book.updated", "event", event);
        Await.until(Duration.ofSeconds(10), "the Redis copy deleted",
                () -> redis.admin().get(namespace + "storybook:book:" + BOOK) == null);
        // Redis is deleted first, then L1 (docs/design.md §4): a read in between may still be an L1 hit.
        Await.until(Duration.ofSeconds(10), "b's L1 entry evicted too (a read runs the method)",
                () -> bodyRunsAfterARead(b) > loads);
        assertEquals(loads + 1, b.bodyRuns("getBook"));
    }

    /**
     * The audit's event: a Python service (redis-py's {@code xadd}) invalidates a key it names itself, on the stream of
     * every invalidation, in SPEC §6's format. Only Weft's writers delete in Redis before publishing, so the readers
     * delete it: no instance reads the old value back from Redis, and neither L1 keeps it.
     */
    @Test
    void aForeignEventThatListsItsKeysRemovesThemFromRedisAndFromEveryInstancesL1() throws Exception {
        String key = namespace + "storybook:book:" + BOOK;
        a.get(bookPath());
        b.get(bookPath());
        Await.until(Duration.ofSeconds(5), "the book in Redis", () -> redis.admin().get(key) != null);
        long loadsOfB = b.bodyRuns("getBook");
        String timestamp = LocalDateTime.now(ZoneOffset.UTC) + "+00:00"; // datetime.now(timezone.utc).isoformat()
        String event = "{\"type\":\"cache.invalidated\",\"payload\":{\"keys\":[\"storybook:book:" + BOOK + "\"]},"
                + "\"timestamp\":\"" + timestamp + "\",\"source\":\"py-svc\",\"event_id\":\"" + UUID.randomUUID()
                + "\"}";

        RedisCli.run(redis, "XADD", namespace + "events:cache.invalidated", "MAXLEN", "~", "10000", "*",
                "type", "cache.invalidated", "event", event);

        Await.until(Duration.ofSeconds(10), "the Redis copy deleted", () -> redis.admin().get(key) == null);
        // a is not read until b has loaded: a's load would put a fresh value in Redis, which b could then read
        Await.until(Duration.ofSeconds(10), "b's next call after its reader applied the event runs the method",
                () -> bodyRunsAfterARead(b) > loadsOfB);
        assertEquals(loadsOfB + 1, b.bodyRuns("getBook"), "b read nothing back from Redis");
        Await.until(Duration.ofSeconds(10), "a's L1 no longer answers (Redis or the method does)", () -> {
            double l1Hits = l1Hits(a);
            bodyRunsAfterARead(a);
            return l1Hits(a) == l1Hits;
        });
    }

    private static double l1Hits(SampleApp app) {
        return Metrics.value(app.jvm(), "weft_cache_hits_total", "cache", "storybook:book", "level", "l1");
    }

    /** Reads the book on {@code app}, then returns how often its {@code getBook} body has run. */
    private static long bodyRunsAfterARead(SampleApp app) {
        try {
            app.get(bookPath());
            return app.bodyRuns("getBook");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void malformedEntriesAreSkippedAndTheReaderGoesOn() throws Exception {
        double malformed = Metrics.value(b.jvm(), "weft_events_malformed_total");
        String stream = namespace + "events:cache.invalidated";
        RedisCli.run(redis, "XADD", stream, "*", "type", "cache.invalidated", "event", "{not json");
        RedisCli.run(redis, "XADD", stream, "*", "garbage", "1");
        b.get(bookPath());
        long loads = b.bodyRuns("getBook");
        String title = "After garbage " + UUID.randomUUID();
        assertEquals(200, a.send("PUT", bookPath(), "{\"title\":\"" + title + "\"}").statusCode());
        Await.until(Duration.ofSeconds(10), "b evicts after the malformed entries", () -> {
            try {
                return b.get(bookPath()).contains(title);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(b.bodyRuns("getBook") > loads);
        assertEquals(malformed + 2, Metrics.value(b.jvm(), "weft_events_malformed_total"), "both entries counted");
    }

    private static StreamMessage<String, String> last(String stream) {
        List<StreamMessage<String, String>> entries = new ArrayList<>(redis.admin().xrange(stream, Range.create("-", "+")));
        Collections.reverse(entries);
        return entries.isEmpty() ? null : entries.get(0);
    }
}
