package io.weft.it.ops;

import static io.weft.it.support.SampleApp.ALICE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.FreePorts;
import io.weft.it.support.SampleApp;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.management.Attribute;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §9's MBeans in the sample service started with {@code -javaagent} and Redis, read and driven over a
 * remote JMX connection: every attribute of {@code io.weft:type=Agent} and of each
 * {@code io.weft:type=Cache,name=…}, the {@code Enabled} switches and the {@code clear()} operations.
 */
class JmxTest {

    private static final String REDIS_PASSWORD = "jmx-redis-" + Long.toHexString(System.nanoTime());
    private static final String BOOKS = "/api/v1/storybook/books?user=" + ALICE;
    private static final Set<String> CACHE_ATTRIBUTES = Set.of("Name", "Enabled", "Active", "L1Hits", "L2Hits", "Hits",
            "Misses", "HitRatio", "Loads", "LoadFailures", "LoadTimeMeanMillis", "LoadTimeP50Millis",
            "LoadTimeP95Millis", "LoadTimeP99Millis", "EvictionsBySize", "Expirations", "Invalidations",
            "InvalidationsSent", "InvalidationsReceived", "L2Unreadable", "L2NotStored", "L1Entries", "StaleStoresDiscarded", "LoadWaitTimeouts", "HotKeys");
    private static final Set<String> AGENT_ATTRIBUTES = Set.of("Version", "Status", "StatusReasons", "Enabled",
            "CacheNames", "WovenMethods", "L1Size", "L1MaxSize", "InvalidationsSent", "InvalidationsReceived", "HttpPort",
            "RedisConfigured", "RedisUri", "RedisUp", "RedisBreakerState", "RedisFailures", "RedisErrors", "RedisRejections",
            "EventsReaderUp", "EventsReaderPositioned", "EventsLagMillis", "EventsApplied", "EventsMalformed",
            "EventsGapClears", "EventsReadFailures", "EventsPublished", "EventsPublishPending", "EventsPublishFailures",
            "EventsPublishOverflows");

    private static RedisFixture redis;
    private static SampleApp app;
    private static JMXConnector connector;
    private static MBeanServerConnection jmx;
    private static ObjectName agent;
    private static ObjectName books;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisFixture.startLocal(REDIS_PASSWORD);
        int port = FreePorts.startOnAFreePort("the sample service's JMX server", JmxTest::startWithJmxOn);
        connector = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"));
        jmx = connector.getMBeanServerConnection();
        agent = new ObjectName("io.weft:type=Agent");
        books = new ObjectName("io.weft:type=Cache,name=" + ObjectName.quote("storybook:books"));
        Await.until(Duration.ofSeconds(20), "the MBeans registered", () -> registered(agent) && registered(books));
        Await.until(Duration.ofSeconds(20), "Redis up", () -> (Boolean) attribute(agent, "RedisUp"));
    }

    /** Starts the sample service with remote JMX on {@code port}; returns the port, or {@code null} if it was taken. */
    private static Integer startWithJmxOn(int port) throws Exception {
        try {
            app = SampleApp.start(AppJvm.builder()
                    .agentArgs("weft.redis.uri=" + redis.uri() + ";weft.namespace=jmx-it:;weft.redis.timeout=1s")
                    .property("com.sun.management.jmxremote.port", String.valueOf(port))
                    .property("com.sun.management.jmxremote.rmi.port", String.valueOf(port))
                    .property("com.sun.management.jmxremote.host", "127.0.0.1")
                    .property("java.rmi.server.hostname", "127.0.0.1")
                    .property("com.sun.management.jmxremote.authenticate", "false")
                    .property("com.sun.management.jmxremote.ssl", "false"));
            return port;
        } catch (AssertionError e) {
            if (String.valueOf(e.getMessage()).contains("Port already in use")) {
                return null;
            }
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (connector != null) {
            connector.close();
        }
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void everyCacheHasAnMBeanNamedByItsQuotedName() throws Exception {
        Set<String> names = new TreeSet<>();
        for (ObjectName name : jmx.queryNames(new ObjectName("io.weft:type=Cache,*"), null)) {
            names.add(ObjectName.unquote(name.getKeyProperty("name")));
        }
        assertEquals(Set.of("storybook:book", "storybook:books", "tts:voices", "user:profile"), names);
        assertEquals("\"storybook:books\"", books.getKeyProperty("name"));
        assertArrayEquals(names.toArray(), (String[]) attribute(agent, "CacheNames"));
    }

    @Test
    void everyCacheAttributeReadsAndCountsTheRun() throws Exception {
        long runs = app.bodyRuns("getBooks");
        long hits = (Long) attribute(books, "Hits");
        long misses = (Long) attribute(books, "Misses");
        long loads = (Long) attribute(books, "Loads");
        for (int i = 0; i < 4; i++) {
            app.get(BOOKS);
        }
        long ran = app.bodyRuns("getBooks") - runs;
        assertTrue(ran <= 1, "at most one load, then hits");

        MBeanInfo info = jmx.getMBeanInfo(books);
        Map<String, Object> values = new HashMap<>();
        for (MBeanAttributeInfo attribute : info.getAttributes()) {
            assertTrue(attribute.isReadable(), attribute.getName());
            assertEquals(attribute.getName().equals("Enabled"), attribute.isWritable(), attribute.getName());
            values.put(attribute.getName(), jmx.getAttribute(books, attribute.getName()));
            assertNotNull(values.get(attribute.getName()), attribute.getName());
        }
        assertEquals(CACHE_ATTRIBUTES, values.keySet());
        assertEquals("storybook:books", values.get("Name"));
        assertEquals(true, values.get("Enabled"));
        assertEquals(true, values.get("Active"));
        assertEquals(hits + 4 - ran, values.get("Hits"));
        assertEquals(misses + ran, values.get("Misses"));
        assertEquals(loads + ran, values.get("Loads"));
        assertTrue((Long) values.get("L1Hits") >= 2);
        assertEquals((Long) values.get("L1Hits") + (Long) values.get("L2Hits"), values.get("Hits"));
        double lookups = (Long) values.get("Hits") + (Long) values.get("Misses");
        assertEquals((Long) values.get("Hits") / lookups, (Double) values.get("HitRatio"), 1e-9);
        assertEquals(1L, values.get("L1Entries"));
        assertTrue((Double) values.get("LoadTimeP50Millis") > 0);
        assertTrue((Double) values.get("LoadTimeP99Millis") >= (Double) values.get("LoadTimeP50Millis"));
        assertTrue((Double) values.get("LoadTimeMeanMillis") > 0);
        for (String counter : new String[] {"LoadFailures", "EvictionsBySize", "Expirations", "L2Unreadable", "L2NotStored",
            "StaleStoresDiscarded", "LoadWaitTimeouts"}) {
            assertEquals(0L, values.get(counter), counter);
        }

        long invalidations = (Long) attribute(books, "Invalidations");
        long sent = (Long) attribute(books, "InvalidationsSent");
        long received = (Long) attribute(books, "InvalidationsReceived");
        renameTheFirstBook("Renamed over JMX test");
        assertEquals(invalidations + 1, attribute(books, "Invalidations"));
        assertEquals(sent + 1, attribute(books, "InvalidationsSent"), "SPEC §9: invalidations sent, per cache");
        assertEquals(received, attribute(books, "InvalidationsReceived"), "one instance: none received");
    }

    /** SPEC §12: attribute {@code HotKeys}, the keys with the most hits, ranked exactly when they are hit a few times. */
    @Test
    void hotKeysRanksKeysHitAFewTimesExactly() throws Exception {
        Map<String, Integer> calls = Map.of(SampleApp.CAROL, 30, SampleApp.DAVE, 10, SampleApp.ERIN, 3);
        jmx.invoke(books, "clear", null, null);
        try {
            List<String> few = app.callShelves(calls);

            assertEquals(few, List.of((String[]) attribute(books, "HotKeys")), "30, 10 and 3 calls: 29, 9 and 2 hits");
        } finally {
            jmx.invoke(books, "clear", null, null); // the other tests count the cache's L1 entries
        }
    }

    @Test
    void enabledAndClearSteerOneCache() throws Exception {
        MBeanOperationInfo[] operations = jmx.getMBeanInfo(books).getOperations();
        assertEquals(1, operations.length);
        assertEquals("clear", operations[0].getName());

        app.get(BOOKS);
        long runs = app.bodyRuns("getBooks");
        jmx.setAttribute(books, new Attribute("Enabled", false));
        assertEquals(false, attribute(books, "Enabled"));
        assertEquals(false, attribute(books, "Active"));
        app.get(BOOKS);
        app.get(BOOKS);
        assertEquals(runs + 2, app.bodyRuns("getBooks"), "a disabled cache calls straight through");
        jmx.setAttribute(books, new Attribute("Enabled", true));
        app.get(BOOKS);
        assertEquals(runs + 2, app.bodyRuns("getBooks"));

        long l1 = (Long) attribute(books, "L1Hits");
        long l2 = (Long) attribute(books, "L2Hits");
        assertEquals(1L, jmx.invoke(books, "clear", null, null), "one entry removed");
        assertEquals(0L, attribute(books, "L1Entries"));
        app.get(BOOKS);
        app.get(BOOKS);
        assertEquals(runs + 2, app.bodyRuns("getBooks"), "Redis still had it");
        assertEquals(l2 + 1, attribute(books, "L2Hits"), "cleared from L1: answered by Redis");
        assertEquals(l1 + 1, attribute(books, "L1Hits"), "then by L1 again");
    }

    @Test
    void theAgentMBeanReadsEverythingAndSwitchesEveryCache() throws Exception {
        long sent = (Long) attribute(agent, "InvalidationsSent");
        renameTheFirstBook("Renamed for the agent's counters");
        Await.until(Duration.ofSeconds(10), "the invalidation published",
                () -> (Long) attribute(agent, "EventsPublished") == sent + 1);
        app.get(BOOKS);
        app.get("/api/v1/tts/voices");
        MBeanInfo info = jmx.getMBeanInfo(agent);
        Map<String, Object> values = new HashMap<>();
        for (MBeanAttributeInfo attribute : info.getAttributes()) {
            assertEquals(attribute.getName().equals("Enabled"), attribute.isWritable(), attribute.getName());
            values.put(attribute.getName(), jmx.getAttribute(agent, attribute.getName()));
        }
        assertEquals(AGENT_ATTRIBUTES, values.keySet());
        assertEquals("UP", values.get("Status"), Arrays.toString((String[]) values.get("StatusReasons")));
        assertEquals(0, ((String[]) values.get("StatusReasons")).length);
        assertTrue(((String) values.get("Version")).startsWith("0."));
        assertEquals(true, values.get("Enabled"));
        assertEquals(10, values.get("WovenMethods"), "the sample app's 10 annotated methods");
        assertTrue((Long) values.get("L1Size") >= 2);
        assertEquals(10_000L, values.get("L1MaxSize"));
        assertEquals(-1, values.get("HttpPort"), "no HTTP server without weft.http.port");
        assertEquals(true, values.get("RedisConfigured"));
        assertEquals(true, values.get("RedisUp"));
        assertEquals("CLOSED", values.get("RedisBreakerState"));
        assertEquals(0L, values.get("RedisRejections"));
        assertEquals(true, values.get("EventsReaderUp"));
        assertEquals(true, values.get("EventsReaderPositioned"));
        assertEquals(sent + 1, values.get("InvalidationsSent"));
        assertEquals(values.get("InvalidationsSent"), values.get("EventsPublished"), "one event per invalidation");
        for (String counter : new String[] {"RedisFailures", "EventsGapClears", "EventsReadFailures",
            "EventsPublishPending", "EventsPublishFailures", "EventsPublishOverflows"}) {
            assertEquals(0L, values.get(counter), counter);
        }
        TabularData errors = (TabularData) values.get("RedisErrors");
        assertEquals(11, errors.size(), "every reason, from 0");
        assertEquals(0L, errors.get(new Object[] {"oom"}).get("value"));
        String uri = (String) values.get("RedisUri");
        assertTrue(uri.startsWith("redis://") && uri.contains("****") && uri.endsWith(":" + redis.port()), uri);
        for (Object value : values.values()) {
            String text = value instanceof String[] ? Arrays.toString((String[]) value) : String.valueOf(value);
            assertFalse(text.contains(REDIS_PASSWORD), "no attribute shows the Redis password");
        }

        ObjectName voices = new ObjectName("io.weft:type=Cache,name=" + ObjectName.quote("tts:voices"));
        jmx.setAttribute(agent, new Attribute("Enabled", false));
        try {
            assertEquals(false, attribute(agent, "Enabled"));
            assertEquals("DEGRADED", attribute(agent, "Status"));
            for (ObjectName cache : jmx.queryNames(new ObjectName("io.weft:type=Cache,*"), null)) {
                assertEquals(false, attribute(cache, "Active"), cache.toString());
                assertEquals(true, attribute(cache, "Enabled"), "each cache keeps its own switch");
            }
            long runs = app.bodyRuns("getVoices");
            app.get("/api/v1/tts/voices");
            assertEquals(runs + 1, app.bodyRuns("getVoices"));
        } finally {
            jmx.setAttribute(agent, new Attribute("Enabled", true));
        }
        assertEquals(true, attribute(voices, "Active"));

        MBeanOperationInfo[] operations = info.getOperations();
        assertEquals(1, operations.length);
        assertEquals("clearAll", operations[0].getName());
        app.get("/api/v1/tts/voices");
        long l2 = (Long) attribute(voices, "L2Hits");
        assertTrue((Long) jmx.invoke(agent, "clearAll", null, null) >= 1);
        assertEquals(0L, attribute(agent, "L1Size"));
        long runs = app.bodyRuns("getVoices");
        app.get("/api/v1/tts/voices");
        assertEquals(runs, app.bodyRuns("getVoices"));
        assertEquals(l2 + 1, attribute(voices, "L2Hits"), "cleared from L1: answered by Redis");
    }

    @Test
    void eventCountersCountAForeignEventAndAMalformedEntry() throws Exception {
        long applied = (Long) attribute(agent, "EventsApplied");
        long received = (Long) attribute(agent, "InvalidationsReceived");
        long malformed = (Long) attribute(agent, "EventsMalformed");
        String stream = "jmx-it:events:cache.invalidated";
        redis.admin().xadd(stream, Map.of("type", "cache.invalidated", "event", "{not json"));
        String minuteAgo = Instant.now().minusSeconds(60).toString();
        redis.admin().xadd(stream, Map.of("type", "cache.invalidated", "event", "{\"type\":\"cache.invalidated\","
                + "\"payload\":{\"keys\":[\"storybook:books:" + ALICE + "\"]},\"timestamp\":\"" + minuteAgo
                + "\",\"source\":\"another-service\",\"event_id\":\"e-1\"}"));
        Await.until(Duration.ofSeconds(10), "the foreign event applied",
                () -> (Long) attribute(agent, "EventsApplied") == applied + 1);
        assertEquals(received + 1, attribute(agent, "InvalidationsReceived"));
        assertEquals(malformed + 1, attribute(agent, "EventsMalformed"));
        long lag = (Long) attribute(agent, "EventsLagMillis");
        assertTrue(lag >= 60_000 && lag < 120_000, "the lag of an event written a minute ago: " + lag + " ms");
    }

    private static void renameTheFirstBook(String title) throws Exception {
        String bookId = SampleApp.field(app.get(BOOKS), "id");
        assertEquals(200, app.send("PUT", "/api/v1/storybook/books/" + bookId + "?user=" + ALICE,
                "{\"title\":\"" + title + "\"}").statusCode());
    }

    @Test
    void withoutAPortThereIsNoServerThread() throws Exception {
        ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(jmx, ManagementFactory.THREAD_MXBEAN_NAME,
                ThreadMXBean.class);
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null) {
                assertFalse(thread.getThreadName().startsWith("weft-http"), thread.getThreadName());
            }
        }
    }

    private static boolean registered(ObjectName name) {
        try {
            return jmx.isRegistered(name);
        } catch (Exception e) {
            return false;
        }
    }

    private static Object attribute(ObjectName name, String attribute) {
        try {
            return jmx.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError(name + " " + attribute, e);
        }
    }
}
