package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cached method whose declared value type names a type variable (a generic DAO's {@code T find(id)}) keeps its
 * values out of the shared level: read back there they would be the variable's bound ({@code LinkedHashMap}s), and
 * the caller's cast would fail (SPEC §5: values are read as the declared type; §7: the application must not break).
 */
class TypeVariableValuesTest {

    /** A generic DAO, as legacy services have them. */
    abstract static class Repo<T> {
        abstract T find(String id);

        abstract List<T> all(String tenant);

        String name(String id) {
            return id;
        }
    }

    private RedisSharedLevel level;

    @BeforeEach
    void start() throws InterruptedException {
        level = new RedisSharedLevel(Duration.ofSeconds(2), new CircuitBreaker("type variable test"));
    }

    @AfterEach
    void stop() {
        level.close();
    }

    private CachedMethod method(String name) {
        DeclaredMethod declared = new DeclaredMethod(Repo.class.getName(), name, List.of("java.lang.String"),
                List.of("id"), getClass().getClassLoader());
        return new CachedMethod(declared, new CacheRegistry().cache("repo", true), (args, result) -> "repo:" + args[0],
                new LoaderScopes().of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                ResultShape.PLAIN, null, List.of(), false, 0);
    }

    @Test
    void valuesOfATypeVariableStayInL1AndAreWarnedAboutOnce() {
        try (LogCapture log = new LogCapture()) {
            for (String name : List.of("find", "all")) {
                CachedMethod method = method(name);
                level.redis.admin().set("ns:repo:" + name, "{\"title\":\"stored by another instance\"}");

                SharedLevel.Found found = level.shared.lookup(method, "repo:" + name, null);
                assertSame(SharedLevel.Found.NOTHING, found, name + ": not read from the shared level");
                assertNull(level.redis.admin().get("ns:repo:" + name + ":weft-lease"), name + ": no lease taken");
                level.shared.store(method, "repo:" + name + ":new", "a value", "some-lease");
                level.shared.lookup(method, "repo:" + name, null);

                String text = log.text();
                assertEquals(1, occurrences(text, "values of " + Repo.class.getName() + "#" + name
                        + " are cached in L1 only"), text);
            }
        }
        // the store above was not sent: a method of a concrete type is, on the same connection, after it
        CachedMethod concrete = method("name");
        SharedLevel.Found miss = level.shared.lookup(concrete, "repo:plain", null);
        assertFalse(miss.hit);
        level.shared.store(concrete, "repo:plain", "plain", miss.lease);
        Await.until("the concrete method's value is stored", () -> level.exists("ns:repo:plain"));
        assertFalse(level.exists("ns:repo:find:new") || level.exists("ns:repo:all:new"));
        assertTrue(concrete.sharesValues());
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
