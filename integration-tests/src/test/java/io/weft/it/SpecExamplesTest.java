package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * SPEC's literal examples, in a JVM with the agent on a private Redis, read back as another service would: the keys
 * §3's rendering rules give (escapes, {@code \null}, {@code \[]}, {@code \~}, {@code {{ }}}, property paths,
 * positions), the Redis TTL of each of §2's {@code ttl} forms, §2's three storybook methods and the streams and
 * payloads of §6 they write (also of an {@code @InvalidateCache} that keeps the defaults of {@code keys} and
 * {@code prefixes}: it evicts nothing, but its event goes out), and for a class compiled without names, §5's payload
 * names {@code arg0}, {@code arg1}, ….
 */
class SpecExamplesTest {

    private static final Duration CALL = Duration.ofSeconds(30);
    private static final String USER = "3f2a0000-0000-0000-0000-000000000001";
    private static final String BOOK = "b0000000-0000-0000-0000-000000000001";

    /** What each call in {@code LiteralMain} renders, as SPEC §3 spells it out. */
    private static final Set<String> RENDERED = Set.of(
            "lit:str:null", // null
            "lit:str:\\null", // the string "null"
            "lit:str:a\\:b\\,c\\\\d", // ':', ',' and '\' escaped with '\'
            "lit:str:plain-id_1.2", // plain identifiers and numbers unchanged
            "lit:list:a,b", // elements joined by ','
            "lit:list:\\[]", // an empty collection
            "lit:list:a,\\~", // a null element
            "lit:list:null", // a null collection
            "lit:arr:1,2", // an array
            "lit:num:42:true:1.5", // String.valueOf of scalars
            "lit:braces:{x}:7", // {{ and }} are literal braces
            "lit:record:ann:true", // record accessors
            "lit:bean:bob:false", // getName() and isActive()
            "lit:field:cy", // a field
            "lit:pos:p:3", // {0} and {1}
            "pos:a:1");

    /** Each {@code ttl} form of SPEC §2, and the default {@code weft.ttl} of §4, in seconds. */
    private static final Map<String, Long> TTLS = Map.of("lit:ttl300:1", 300L, "lit:ttl300s:1", 300L,
            "lit:ttl5m:1", 300L, "lit:ttl1h:1", 3_600L, "lit:ttl1d:1", 86_400L, "lit:ttlPT5M:1", 300L,
            "lit:ttldefault:1", 300L);

    @Test
    void theExamplesRenderTheKeysTtlsAndEventsTheSpecShows() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null);
                AppJvm app = start(redis, List.of("-g"))) {
            app.awaitStdout("READY"::equals, CALL);
            Await.until("every rendered key and TTL form in Redis", () -> redis.admin().exists(
                    RENDERED.toArray(new String[0])) == RENDERED.size() && redis.admin().exists(
                    TTLS.keySet().toArray(new String[0])) == TTLS.size());
            Set<String> lit = new TreeSet<>(redis.admin().keys("lit:*"));
            lit.removeAll(TTLS.keySet());
            lit.add("pos:a:1");
            assertEquals(new TreeSet<>(RENDERED), lit, "the keys of SPEC §3's rules, and no other");
            for (Map.Entry<String, Long> ttl : TTLS.entrySet()) {
                long left = redis.admin().ttl(ttl.getKey());
                assertTrue(left > ttl.getValue() - 60 && left <= ttl.getValue(), ttl + ": " + left + " s left");
            }

            String shelf = "storybook:books:" + USER;
            assertEquals("runs=1", app.call("getBooks", CALL));
            Await.until("the shelf in Redis under its readable key", () -> redis.admin().get(shelf) != null);
            assertEquals("[{\"id\":\"aaaaaaaa-0000-0000-0000-000000000001\",\"userId\":\"" + USER
                    + "\",\"title\":\"Dune\"}]", redis.admin().get(shelf), "List<Book> as JSON");
            assertTrue(redis.admin().ttl(shelf) > 240 && redis.admin().ttl(shelf) <= 300, "ttl = \"5m\"");
            assertEquals("runs=1", app.call("getBooks", CALL), "a hit");

            app.call("updateBook", CALL);
            assertEquals(0, redis.admin().exists(shelf), "evicted from Redis synchronously");
            String updated = "{\"type\":\"book.updated\",\"payload\":{\"keys\":[\"storybook:book:" + BOOK + "\",\""
                    + shelf + "\"],\"prefixes\":[],\"bookId\":\"" + BOOK + "\",\"userId\":\"" + USER + "\"}";
            assertEntry(redis, "events:cache.invalidated", 1, "book.updated", updated);
            assertEntry(redis, "events:book.updated", 1, "book.updated", updated);
            assertEquals("runs=2", app.call("getBooks", CALL));

            Await.until("the shelf in Redis again", () -> redis.admin().get(shelf) != null);
            app.call("createBook", CALL);
            assertEquals(0, redis.admin().exists(shelf), "{return.userId} evicts the owner's shelf");
            String created = "{\"type\":\"book.created\",\"payload\":{\"keys\":[\"" + shelf + "\"],\"prefixes\":[]}";
            assertEntry(redis, "events:cache.invalidated", 2, "book.created", created);
            assertEntry(redis, "events:book.created", 1, "book.created", created);
            assertEquals("runs=3", app.call("getBooks", CALL));

            app.call("openBook", CALL);
            String opened = "{\"type\":\"book.opened\",\"payload\":{\"keys\":[],\"prefixes\":[],\"bookId\":\"" + BOOK
                    + "\"}";
            assertEntry(redis, "events:book.opened", 1, "book.opened", opened);
            assertEntry(redis, "events:cache.invalidated", 3, "book.opened", opened);
        }
    }

    @Test
    void aClassWithoutNamesBindsPositionsAndNamesItsPayloadArg0Arg1() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null);
                AppJvm app = start(redis, List.of("-g:none"))) {
            app.awaitStdout("READY"::equals, CALL);
            Await.until("pos:a:1 in Redis", () -> redis.admin().exists("pos:a:1") == 1);
            app.call("updatePositional", CALL);
            assertEquals(0, redis.admin().exists("pos:a:1"));
            assertEntry(redis, "events:pos.changed", 1, "pos.changed", "{\"type\":\"pos.changed\",\"payload\":{\"keys\":"
                    + "[\"pos:a:1\"],\"prefixes\":[],\"arg0\":\"a\",\"arg1\":1,\"arg2\":\"" + USER + "\",\"arg3\":true,"
                    + "\"arg4\":\"TOP\"}");
        }
    }

    private static AppJvm start(RedisFixture redis, List<String> javacFlags) throws Exception {
        Path classes = TestApps.compile("literal", javacFlags);
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).classpath(classes, Paths.annotationsJar())
                .main("app.LiteralMain").start();
    }

    /**
     * The stream comes to hold {@code count} entries (an event may be appended after the call returned), the last with
     * exactly the fields {@code type} and {@code event}, in SPEC §6's format.
     */
    private static void assertEntry(RedisFixture redis, String stream, int count, String type, String eventStart) {
        Await.until(stream + " holds " + count + " entries", () -> redis.admin().xlen(stream) >= count);
        List<StreamMessage<String, String>> entries = redis.admin().xrange(stream, Range.create("-", "+"));
        assertEquals(count, entries.size(), stream + ": " + entries);
        Map<String, String> fields = entries.get(count - 1).getBody();
        assertEquals(List.of("type", "event"), List.copyOf(fields.keySet()), stream);
        assertEquals(type, fields.get("type"), stream);
        String event = fields.get("event");
        assertTrue(event.startsWith(eventStart + ",\"timestamp\":\""), stream + ": " + event);
        assertTrue(event.matches(".*\"timestamp\":\"[0-9-]{10}T[0-9:.]+Z\",\"source\":\"[^\"]+\",\"event_id\":\""
                + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\"}"), stream + ": " + event);
    }
}
