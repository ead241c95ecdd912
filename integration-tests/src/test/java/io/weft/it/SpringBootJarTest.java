package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.BootJar;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10: a Spring Boot 3 executable jar ({@code java -javaagent:weft-agent.jar -jar app.jar}: classes in
 * {@code BOOT-INF/classes}, libraries as nested jars) is cached, also through a CGLIB proxy, and two instances
 * share Redis. Costs two Boot starts (about 3 s each) per JDK.
 */
class SpringBootJarTest {

    private static final Closer CLOSER = new Closer();
    private static final String ITEM = "boot.app.Item org.springframework.boot.loader.launch.LaunchedClassLoader";
    private static RedisFixture redis;
    private static String namespace;
    private static BootJar a;
    private static BootJar b;

    @BeforeAll
    static void start() throws Exception {
        redis = CLOSER.later(RedisFixture.start());
        namespace = "it-" + UUID.randomUUID() + ":";
        a = CLOSER.later(BootJar.start(instance()));
        b = CLOSER.later(BootJar.start(instance()));
        for (BootJar app : new BootJar[] {a, b}) {
            app.jvm().awaitStderr(line -> line.contains("reading invalidation events"), Duration.ofSeconds(30));
        }
    }

    private static AppJvm.Builder instance() {
        return AppJvm.builder().property("weft.redis.uri", redis.uri()).property("weft.namespace", namespace)
                .property("weft.redis.timeout", "2s");
    }

    @AfterAll
    static void stop() throws Exception {
        CLOSER.close();
    }

    @Test
    void aServiceMethodRunsOnceAndThenHits() {
        assertEquals("s1=200c", a.call("price s1"));
        assertEquals("s1=200c", a.call("price s1"));
        assertEquals(1, a.runs("price"), a.jvm().transcript());
    }

    /** Spring calls the woven target class through its CGLIB subclass ({@code @Transactional}). */
    @Test
    void aTransactionalBeanIsCachedThroughItsCglibProxy() {
        assertTrue(a.call("ledger").matches("boot\\.app\\.Ledger\\$\\$SpringCGLIB\\$\\$\\d+ cglib=true"));
        assertEquals("49", a.call("balance account"));
        assertEquals("49", a.call("balance account"));
        assertEquals(1, a.runs("balance"));
    }

    /** A record of {@code BOOT-INF/classes} written by one instance is decoded by the other's Boot loader. */
    @Test
    void aRecordOfBootInfClassesIsReadFromRedisByTheOtherInstance() {
        String expected = "Item[sku=rt, name=Item rt, stock=2] " + ITEM;
        assertEquals(expected, a.call("item rt"));
        Await.until(Duration.ofSeconds(10), "the record in Redis", () -> redis.admin().get(namespace + "boot:item:rt") != null);
        assertEquals("{\"sku\":\"rt\",\"name\":\"Item rt\",\"stock\":2}", redis.admin().get(namespace + "boot:item:rt"));
        int runs = b.runs("item");
        assertEquals(expected, b.call("item rt"));
        assertEquals(runs, b.runs("item"), "b read the value from Redis without running the body");
    }

    @Test
    void anInvalidationOnOneInstanceEvictsTheOther() {
        a.call("item inv");
        b.call("item inv");
        int runs = b.runs("item");
        b.call("item inv");
        assertEquals(runs, b.runs("item"), "cached in b");
        assertEquals("ok", a.call("restock inv"));
        Await.until(Duration.ofSeconds(10), "b's entry evicted (a read runs b's body)", () -> {
            b.call("item inv");
            return b.runs("item") > runs;
        });
    }
}
