package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10: Kotlin data classes (built by kotlin-maven-plugin with its defaults; default arguments, nullable
 * properties, a list, a property {@code isAvailable}) and a {@code List} of them go through Redis: a second JVM
 * decodes them without running the bodies, with no Kotlin module in Weft. Two small JVMs per JDK (about 2 s).
 */
class KotlinTest {

    private static final String BOOK = "Book(id=42, title=Title 42, pages=100, subtitle=Sub 42, tags=[], isAvailable=false)";
    private static final String SHELF = "[Book(id=s-1, title=One, pages=100, subtitle=null, tags=[a, b], isAvailable=true),"
            + " Book(id=s-2, title=Two, pages=7, subtitle=null, tags=[], isAvailable=true)]";

    @Test
    void aDataClassAndAListOfThemAreReadFromRedisByAnotherJvm() throws Exception {
        String namespace = "it-" + UUID.randomUUID() + ":";
        try (RedisFixture redis = RedisFixture.start()) {
            try (AppJvm writer = start(redis, namespace)) {
                assertEquals("2", writer.checksSoFar().get("runs"), writer.transcript());
                Await.until(Duration.ofSeconds(10), "both values in Redis", () -> redis.admin().get(namespace + "kt:book:42") != null
                        && redis.admin().get(namespace + "kt:shelf:s") != null);
            }
            assertEquals("{\"id\":\"42\",\"title\":\"Title 42\",\"pages\":100,\"subtitle\":\"Sub 42\",\"tags\":[],"
                    + "\"isAvailable\":false}", redis.admin().get(namespace + "kt:book:42"));
            try (AppJvm reader = start(redis, namespace)) {
                Map<String, String> read = reader.checksSoFar();
                assertEquals("0", read.get("runs"), "both came from Redis\n" + reader.transcript());
                assertEquals(BOOK + "|" + BOOK, read.get("book"));
                assertEquals(SHELF + "|" + SHELF, read.get("shelf"));
                assertEquals("kt.Book", read.get("bookType"));
                assertEquals("kt.Book", read.get("shelfTypes"));
            }
        }
    }

    /** Starts the app once the agent reads from Redis, and lets it make its calls. */
    private static AppJvm start(RedisFixture redis, String namespace) throws Exception {
        AppJvm jvm = AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                .property("weft.redis.timeout", "3s").classpath(Paths.kotlinAppClasspath())
                .classpath(Paths.annotationsJar()).main("kt.LibraryMainKt").start();
        jvm.awaitStderr(line -> line.contains("reading invalidation events"), Duration.ofSeconds(30));
        jvm.ask("go", "DONE", Duration.ofSeconds(60));
        return jvm;
    }
}
