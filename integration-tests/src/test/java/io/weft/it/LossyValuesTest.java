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

/**
 * SPEC §7: a value whose JSON cannot carry its state (a field without a getter) is not stored in Redis, where every
 * instance would read it back without that field; its callers still get it whole, from L1, and the agent says why
 * once.
 */
class LossyValuesTest {

    @Test
    void aValueWhoseJsonWouldLoseAFieldIsCachedInL1OnlyWithOneWarning() throws Exception {
        Path classes = TestApps.compile("lossy", List.of("-g"));
        String namespace = "it-" + UUID.randomUUID() + ":";
        try (RedisFixture redis = RedisFixture.start();
                AppJvm app = AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                        .property("weft.redis.timeout", "3s").classpath(classes, Paths.annotationsJar())
                        .main("app.BooksMain").start()) {
            app.awaitStdout("DONE"::equals, Duration.ofSeconds(60));
            Map<String, String> checks = app.checksSoFar();
            assertEquals("Book(isbn-1, Title 1)|Book(isbn-1, Title 1)", checks.get("first"), app.transcript());
            assertEquals("Book(isbn-2, Title 2)|Book(isbn-2, Title 2)", checks.get("second"));
            assertEquals("2", checks.get("runs"), "each key's second call was served from L1");
            Await.until(Duration.ofSeconds(10), "the other method's value in Redis",
                    () -> redis.values(namespace + "lossy:title:*") == 1);
            Await.until(Duration.ofSeconds(10), "the books' leases released, and no book stored",
                    () -> redis.admin().keys(namespace + "lossy:book:*").isEmpty());

            List<String> warnings = app.stderr().stream().filter(line -> line.contains("app.Books#book")).toList();
            assertEquals(1, warnings.size(), "one warning for the method\n" + app.transcript());
            assertTrue(warnings.get(0).contains("cannot be written as JSON (a app.Books$Book would lose its field isbn:"),
                    warnings.get(0));
        }
    }
}
