package io.weft.it.ops;

import static io.weft.it.support.SampleApp.ALICE;
import static io.weft.it.support.SampleApp.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.agent.ops.testing.PromText;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.SampleApp;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * SPEC §9 from an operator's seat: the sample service starts without the agent, Weft is attached with
 * {@code java -jar weft-agent.jar attach <pid> …}, its endpoints become cached, and the operations
 * server's metrics, health, switches and status page show and steer what happens.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttachAndOperateTest {

    private static final String TOKEN = "ops-token-" + Long.toHexString(System.nanoTime());
    private static final String REDIS_PASSWORD = "redis-pass-" + Long.toHexString(System.nanoTime());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOKS = "/api/v1/storybook/books?user=" + ALICE;

    private static RedisFixture redis;
    private static SampleApp app;
    private static int ops;

    @BeforeAll
    static void startAndAttach() throws Exception {
        redis = RedisFixture.startLocal(REDIS_PASSWORD);
        AppJvm.Builder builder = AppJvm.builder().withoutAgent();
        for (String option : Operator.DYNAMIC_AGENT_LOADING) {
            builder.jvmOption(option);
        }
        app = SampleApp.start(builder);

        long before = app.bodyRuns("getBooks");
        app.get(BOOKS);
        app.get(BOOKS);
        assertEquals(before + 2, app.bodyRuns("getBooks"), "without the agent every call runs the method");

        Operator.Run attach = Operator.cli("attach", String.valueOf(app.jvm().pid()), "weft.http.port=0",
                "weft.http.token=" + TOKEN, "weft.redis.uri=" + redis.uri(), "weft.redis.timeout=1s",
                "weft.namespace=ops-it:");
        assertEquals(0, attach.status, attach.toString());
        assertTrue(attach.out.contains("Weft attached to JVM " + app.jvm().pid()), attach.toString());
        ops = Operator.port(app.jvm());
        assertTrue(attach.out.contains("http://127.0.0.1:" + ops + "/"), attach.toString());
        Await.until(Duration.ofSeconds(20), "the event reader connected",
                () -> health().get("events").get("status").asText().equals("UP"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            String transcript = app.jvm().transcript();
            app.close();
            assertFalse(transcript.contains(TOKEN), "the token never shows in the log");
            assertFalse(transcript.contains(REDIS_PASSWORD), "the Redis password never shows in the log");
            assertFalse(transcript.contains("loaded dynamically"), "-XX:+EnableDynamicAgentLoading silences"
                    + " the JDK 21+ warning\n" + transcript);
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void theAttachedAgentCachesClassesLoadedBeforeIt() throws Exception {
        assertTrue(app.jvm().stderr().stream().anyMatch(line -> line.contains("wove io.weft.sample.service.BookService")),
                app.jvm().transcript());
        long runs = app.bodyRuns("getBooks");
        for (int i = 0; i < 4; i++) {
            app.get(BOOKS);
        }
        assertEquals(runs + 1, app.bodyRuns("getBooks"), "one miss, then hits");
        long voices = app.bodyRuns("getVoices");
        app.get("/api/v1/tts/voices");
        app.get("/api/v1/tts/voices");
        assertEquals(voices + 1, app.bodyRuns("getVoices"));
    }

    @Test
    @Order(2)
    void theCommandLineListsJvmsPrintsUsageAndAttachesOnlyOnce() throws Exception {
        Operator.Run usage = Operator.cli();
        assertEquals(0, usage.status, usage.toString());
        assertTrue(usage.out.contains("attach <pid>") && usage.out.contains("Weft 0."), usage.toString());

        Operator.Run list = Operator.cli("list");
        assertEquals(0, list.status, list.toString());
        assertTrue(list.out.lines().anyMatch(line -> line.startsWith(app.jvm().pid() + " ")
                && line.contains("weft-sample-app.jar")), list.toString());

        Operator.Run again = Operator.cli("attach", String.valueOf(app.jvm().pid()), "weft.ttl=1s");
        assertEquals(0, again.status, again.toString());
        assertTrue(again.out.contains("already running"), again.toString());

        Operator.Run typo = Operator.cli("attach", String.valueOf(app.jvm().pid()), "weft.htp.port=1");
        assertEquals(2, typo.status, typo.toString());
        assertTrue(typo.err.contains("unknown setting weft.htp.port"), typo.toString());

        Operator.Run gone = Operator.cli("attach", "999999999");
        assertEquals(1, gone.status, gone.toString());
    }

    @Test
    @Order(3)
    void metricsAreValidPrometheusTextThatCountsWhatHappened() throws Exception {
        PromText before = PromText.parse(Operator.get(ops, "/metrics"));
        double l1 = before.value("weft_cache_hits_total", "cache", "storybook:books", "level", "l1");
        double misses = before.value("weft_cache_misses_total", "cache", "storybook:books");
        long runs = app.bodyRuns("getBooks");
        app.get("/api/v1/storybook/books?user=" + BOB);
        app.get("/api/v1/storybook/books?user=" + BOB);
        app.get("/api/v1/storybook/books?user=" + BOB);
        long loaded = app.bodyRuns("getBooks") - runs;

        PromText after = PromText.parse(Operator.get(ops, "/metrics"));
        assertEquals(misses + loaded, after.value("weft_cache_misses_total", "cache", "storybook:books"));
        assertEquals(l1 + 3 - loaded, after.value("weft_cache_hits_total", "cache", "storybook:books", "level", "l1"));
        assertTrue(after.value("weft_cache_load_seconds_count", "cache", "storybook:books") >= 2);
        assertTrue(after.value("weft_cache_load_seconds_sum", "cache", "storybook:books") > 0);
        assertTrue(after.value("weft_cache_l1_entries", "cache", "storybook:books") >= 2);
        assertEquals(10, after.value("weft_woven_methods"), "the sample app's 10 annotated methods");
        assertEquals(1, after.value("weft_redis_up"));
        assertEquals(1, after.value("weft_redis_breaker_state", "state", "closed"));
        assertEquals(1, after.value("weft_events_reader_up"));
        assertEquals(1, after.value("weft_cache_enabled", "cache", "tts:voices"));

        String bookId = SampleApp.field(app.get(BOOKS), "id");
        double sent = after.value("weft_invalidations_sent_total");
        assertEquals(200, app.send("PUT", "/api/v1/storybook/books/" + bookId + "?user=" + ALICE,
                "{\"title\":\"Renamed by the ops test\"}").statusCode());
        PromText invalidated = PromText.parse(Operator.get(ops, "/metrics"));
        assertEquals(sent + 1, invalidated.value("weft_invalidations_sent_total"));
        assertTrue(invalidated.value("weft_cache_evictions_total", "cache", "storybook:books", "cause", "invalidated") >= 1);
        assertTrue(invalidated.value("weft_cache_invalidations_total", "cache", "storybook:books", "origin", "sent") >= 1,
                "SPEC §9: invalidations sent, per cache");
        assertEquals(0, invalidated.value("weft_cache_invalidations_total", "cache", "storybook:books", "origin",
                "received"), "one instance: nothing received");
        Await.until(Duration.ofSeconds(10), "the event published",
                () -> value("weft_events_published_total") >= 1);
        String text = Operator.get(ops, "/metrics");
        assertFalse(text.contains(REDIS_PASSWORD));
        assertFalse(text.contains(TOKEN));
    }

    /**
     * SPEC §12: a cache's keys with the most hits, over HTTP without the token (a read); keys hit a few times rank
     * exactly (an entry counts each of its first hits, and samples only past a thousand).
     */
    @Test
    @Order(3)
    void theHotKeysOfACacheAreReadWithoutTheToken() throws Exception {
        for (int i = 0; i < 1_500; i++) {
            app.get(BOOKS);
        }
        app.get("/api/v1/storybook/books?user=" + BOB);
        List<String> few = app.callShelves(Map.of(SampleApp.CAROL, 30, SampleApp.DAVE, 10, SampleApp.ERIN, 3));
        JsonNode hot = JSON.readTree(Operator.get(ops, "/caches/storybook:books/hot"));

        assertEquals("storybook:books", hot.get("cache").asText());
        assertEquals("storybook:books:" + ALICE, hot.get("keys").get(0).asText(), "the key hit 1,500 times first");
        List<String> keys = new ArrayList<>();
        hot.get("keys").forEach(key -> keys.add(key.asText()));
        keys.retainAll(few);
        assertEquals(few, keys, "30, 10 and 3 calls (29, 9 and 2 hits), in that order: " + hot);
        assertEquals(404, Operator.send(ops, "GET", "/caches/no-such-cache/hot", null).statusCode());
    }

    @Test
    @Order(4)
    void switchesNeedTheTokenAndActAtOnce() throws Exception {
        assertEquals(401, Operator.send(ops, "POST", "/caches/storybook:books/disable", null).statusCode());
        assertEquals(401, Operator.send(ops, "POST", "/caches/storybook:books/disable", "not-" + TOKEN).statusCode());
        assertEquals(401, Operator.send(ops, "POST", "/disable", null).statusCode());
        assertEquals(401, Operator.send(ops, "POST", "/clear", null).statusCode());
        app.get(BOOKS);
        long runs = app.bodyRuns("getBooks");
        app.get(BOOKS);
        assertEquals(runs, app.bodyRuns("getBooks"), "the refused calls changed nothing");

        assertEquals(200, Operator.send(ops, "POST", "/caches/storybook:books/disable", TOKEN).statusCode());
        app.get(BOOKS);
        app.get(BOOKS);
        assertEquals(runs + 2, app.bodyRuns("getBooks"), "a disabled cache calls straight through");
        assertEquals(0, value("weft_cache_enabled", "cache", "storybook:books"));
        assertEquals(200, Operator.send(ops, "POST", "/caches/storybook:books/enable", TOKEN).statusCode());
        app.get(BOOKS);
        app.get(BOOKS);
        assertEquals(runs + 2, app.bodyRuns("getBooks"), "enabled again, the entry is still there");

        double l2 = value("weft_cache_hits_total", "cache", "storybook:books", "level", "l2");
        assertEquals(200, Operator.send(ops, "POST", "/caches/storybook:books/clear", TOKEN).statusCode());
        assertEquals(0, value("weft_cache_l1_entries", "cache", "storybook:books"));
        app.get(BOOKS);
        app.get(BOOKS);
        assertEquals(runs + 2, app.bodyRuns("getBooks"), "Redis still had it");
        assertEquals(l2 + 1, value("weft_cache_hits_total", "cache", "storybook:books", "level", "l2"),
                "cleared from this JVM's L1: the next call was answered by Redis (L2), the one after by L1 again");

        long voices = app.bodyRuns("getVoices");
        assertEquals(200, Operator.send(ops, "POST", "/disable", TOKEN).statusCode());
        assertEquals("DEGRADED", health().get("status").asText());
        app.get("/api/v1/tts/voices");
        assertEquals(voices + 1, app.bodyRuns("getVoices"), "the agent's switch turns every cache off");
        assertEquals(200, Operator.send(ops, "POST", "/enable", TOKEN).statusCode());
        JsonNode cleared = JSON.readTree(Operator.send(ops, "POST", "/clear", TOKEN).body());
        assertTrue(cleared.get("cleared").asLong() >= 1, cleared.toString());
        assertEquals(0, value("weft_l1_size"));
        assertTrue(app.jvm().stderr().stream().anyMatch(line -> line.contains("refused POST")), "refusals are logged");
    }

    @Test
    @Order(5)
    void healthFollowsRedisDownAndBack() throws Exception {
        JsonNode up = health();
        assertEquals("UP", up.get("status").asText(), up.toString());
        assertEquals("UP", up.get("redis").get("status").asText());
        assertEquals("UP", up.get("events").get("status").asText());
        assertFalse(up.get("redis").get("uri").asText().contains(REDIS_PASSWORD));
        assertTrue(up.get("redis").get("uri").asText().contains("****"));

        redis.stop();
        Await.until(Duration.ofSeconds(30), "health to see Redis down",
                () -> health().get("redis").get("status").asText().equals("DOWN"));
        JsonNode down = health();
        assertEquals("DEGRADED", down.get("status").asText(), down.toString());
        assertEquals("DOWN", down.get("events").get("status").asText());
        assertEquals(200, Operator.send(ops, "GET", "/health", null).statusCode(), "DEGRADED is still 200");
        assertEquals(0, value("weft_redis_up"));
        long runs = app.bodyRuns("getBooks");
        app.get("/api/v1/storybook/books?user=" + BOB);
        app.get("/api/v1/storybook/books?user=" + BOB);
        assertTrue(app.bodyRuns("getBooks") - runs <= 1, "L1 still serves while Redis is down");

        redis.restart();
        Await.until(Duration.ofSeconds(60), "health to see Redis back",
                () -> health().get("status").asText().equals("UP"));
        assertEquals(1, value("weft_redis_up"));
    }

    @Test
    @Order(6)
    void theStatusPageRendersRealNumbersInChromium() throws Exception {
        app.get(BOOKS);
        app.get(BOOKS);
        app.get(BOOKS);
        JsonNode books = cache(health(), "storybook:books");
        String ratio = String.format(java.util.Locale.ROOT, "%.1f%%", books.get("hitRatio").asDouble() * 100);

        Path work = Paths.workDir().resolve("chromium");
        Chromium chromium = Chromium.find(work);
        String url = "http://127.0.0.1:" + ops + "/";
        Path png = work.resolve("status-page.png");
        chromium.screenshot(url, png);
        assertTrue(Files.size(png) > 10_000, "a real screenshot, not an empty page: " + Files.size(png) + " bytes");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1200, image.getWidth());
        assertTrue(distinctColors(image) > 20 && lumaDeviation(image) > 10,
                "the screenshot is not blank: " + distinctColors(image) + " colours, deviation " + lumaDeviation(image));

        String dom = chromium.dumpDom(url);
        Matcher row = Pattern.compile("<tr data-cache=\"storybook:books\">(.*?)</tr>", Pattern.DOTALL).matcher(dom);
        assertTrue(row.find(), "the table has a row for storybook:books:\n" + dom);
        Matcher shown = Pattern.compile("class=\"hit-ratio\">([0-9.]+)%<").matcher(row.group(1));
        assertTrue(shown.find(), row.group(1));
        double pageRatio = Double.parseDouble(shown.group(1));
        assertTrue(pageRatio > 50 && Math.abs(pageRatio - Double.parseDouble(ratio.replace("%", ""))) < 5,
                "the page shows the hit ratio of the run: " + pageRatio + "% vs " + ratio);
        assertTrue(dom.contains("storybook:book\"") && dom.contains("tts:voices") && dom.contains("user:profile"), dom);
        assertTrue(dom.contains(">UP<"), "the Redis and reader state are shown");
        assertFalse(dom.contains(REDIS_PASSWORD) || dom.contains(TOKEN));
        System.out.println("status page screenshot: " + png + " (" + Files.size(png) + " bytes)");
    }

    private static JsonNode health() {
        try {
            return JSON.readTree(Operator.get(ops, "/health"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode cache(JsonNode health, String name) {
        for (JsonNode cache : health.get("caches")) {
            if (cache.get("name").asText().equals(name)) {
                return cache;
            }
        }
        throw new AssertionError("no cache " + name + " in " + health);
    }

    private static double value(String name, String... labels) {
        try {
            return PromText.parse(Operator.get(ops, "/metrics")).value(name, labels);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static int distinctColors(BufferedImage image) {
        java.util.Set<Integer> colors = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colors.add(image.getRGB(x, y));
            }
        }
        return colors.size();
    }

    private static double lumaDeviation(BufferedImage image) {
        double sum = 0;
        double squares = 0;
        long n = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y);
                double luma = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
                sum += luma;
                squares += luma * luma;
                n++;
            }
        }
        double mean = sum / n;
        return Math.sqrt(squares / n - mean * mean);
    }
}
