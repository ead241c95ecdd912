package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** SPEC §10: an application that is a named JPMS module ({@code java -p … -m …}) is cached in L1 and in Redis. */
class NamedModuleTest {

    private static final String MAIN = "demo.mod/com.acme.app.BooksMain";

    /**
     * The module requires {@code io.weft.annotations} (the jar's {@code Automatic-Module-Name}) and opens nothing:
     * its record still reaches Redis, no lease is left, and a second JVM reads it back as the record. The
     * operations server, whose module a named application does not resolve, says how to resolve it. A private
     * {@code refreshAfter} method of the module is reloaded in the background (a reflective call of it).
     */
    @Test
    void aRecordOfAPackageTheModuleDoesNotOpenIsStoredInRedisAndReadBackByAnotherJvm() throws Exception {
        Path module = TestApps.compileModule("jpms", List.of("-g"));
        String namespace = "it-" + UUID.randomUUID() + ":";
        try (RedisFixture redis = RedisFixture.start()) {
            try (AppJvm writer = start(module, redis, namespace).property("weft.http.port", "0")
                    .module(MAIN, "hold").start()) {
                writer.awaitStdout("DONE"::equals, Duration.ofSeconds(60));
                Map<String, String> written = writer.checksSoFar();
                assertEquals("demo.mod", written.get("module"), writer.transcript());
                assertEquals("title 7 v1 on main|title 7 v2 on weft-refresh", written.get("refreshed"),
                        "a private refreshAfter method of the module was reloaded in the background\n"
                                + writer.transcript());
                Await.until(Duration.ofSeconds(10), "the record in Redis",
                        () -> redis.admin().get(namespace + "jpms:book:42") != null);
                writer.awaitStderr(line -> line.contains("--add-modules jdk.httpserver"), Duration.ofSeconds(10));
                assertTrue(writer.transcript().lines().noneMatch(line -> line.contains("NoClassDefFoundError")
                        || line.contains("cannot be written as JSON")), writer.transcript());
            }
            assertEquals("{\"id\":\"42\",\"title\":\"Title 42\",\"pages\":102}",
                    redis.admin().get(namespace + "jpms:book:42"));
            assertEquals(List.of(), redis.admin().keys(namespace + "*weft-lease*"), "no lease is left behind");
            try (AppJvm reader = start(module, redis, namespace).module(MAIN).start()) {
                Map<String, String> read = reader.checks(Duration.ofSeconds(60));
                assertEquals("0", read.get("runs"), "the value came from Redis\n" + reader.transcript());
                assertEquals("Book[id=42, title=Title 42, pages=102]|Book[id=42, title=Title 42, pages=102]",
                        read.get("book"));
                assertEquals("com.acme.app.Book", read.get("type"));
            }
        }
    }

    private static AppJvm.Builder start(Path module, RedisFixture redis, String namespace) {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                .property("weft.redis.timeout", "3s").classpath(module, Paths.annotationsJar());
    }
}
