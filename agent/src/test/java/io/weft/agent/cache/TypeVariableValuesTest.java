package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cached method whose declared value type names a type variable (a generic DAO's {@code T find(id)}; the planner
 * tells, {@code MethodPlannerTest}) keeps its values out of the shared level: read back there they would be the
 * variable's bound ({@code LinkedHashMap}s), and the caller's cast would fail (SPEC §5: values are read as the declared
 * type; §7: the application must not break).
 */
class TypeVariableValuesTest {

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
        DeclaredMethod declared = new DeclaredMethod(RedisSharedLevel.class.getName(), name,
                List.of("java.lang.String"), List.of("id"), getClass().getClassLoader());
        return new CachedMethod(declared, new CacheRegistry().cache("repo", true), (args, result) -> "repo:" + args[0],
                new LoaderScopes().of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true,
                ResultShape.PLAIN, null, List.of(), false, 0);
    }

    @Test
    void valuesKeptInL1AreNeitherReadNorLeasedNorStoredInTheSharedLevel() {
        CachedMethod generic = method("find");
        generic.keepValuesInL1();
        level.redis.admin().set("ns:repo:1", "{\"title\":\"stored by another instance\"}");

        assertSame(SharedLevel.Found.NOTHING, level.shared.lookup(generic, "repo:1", null), "not read");
        assertNull(level.redis.admin().get("ns:repo:1:weft-lease"), "no lease taken");
        level.shared.store(generic, "repo:2", "a value", "some-lease");

        // the store above was not sent: a method that shares its values is, on the same connection, after it
        CachedMethod concrete = method("find");
        SharedLevel.Found miss = level.shared.lookup(concrete, "repo:3", null);
        assertFalse(miss.hit);
        level.shared.store(concrete, "repo:3", "three", miss.lease);
        Await.until("the sharing method's value is stored", () -> level.exists("ns:repo:3"));
        assertFalse(level.exists("ns:repo:2"));
    }
}
