package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.keys.Signature;
import io.weft.agent.keys.Template;
import io.weft.agent.keys.TemplateBinder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A woven method of a {@code long} and an {@code int} parameter passes them unboxed on entry: its key and its tags are
 * those of the boxed arguments, so a call that passes them in an array (as a method of more parameters, or a test)
 * finds the same entry, and a tag rendered from them on the miss evicts it.
 */
class UnboxedArgumentsTest {

    /** {@code Books.page(long owner, int page)}, as its class file declares it. */
    private static final Signature PAGE = new TestSignature(List.of("owner", "page"), List.of("long", "int"),
            "java.lang.String");

    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRegistry caches = new CacheRegistry();
    private final CacheRuntime runtime = new CacheRuntime(methods, scopes, 1_000, TimeUnit.MINUTES.toNanos(1),
            Duration.ofMillis(300), Ticker.systemTicker(), Ticker.systemTicker());
    private final int page = methods.register(new CachedMethod(
            new DeclaredMethod("com.acme.Books", "page", List.of("long", "int"), List.of("owner", "page"),
                    getClass().getClassLoader()),
            caches.cache("pages", true), bind("pages:{owner}:{page}"), scopes.of(getClass().getClassLoader()), 60_000,
            TimeUnit.MINUTES.toNanos(1), false, true, ResultShape.PLAIN, null, List.of(bind("owner:{owner}")), false, 0));

    private static KeyRenderer bind(String template) {
        return TemplateBinder.bind(Template.parse(template), PAGE, false);
    }

    /** A call as the woven method makes it: {@code owner} and {@code page} unboxed, the array made on a miss. */
    private Object call(long owner, int pageNumber, String body) {
        Token token = runtime.enterCached(page, null, null, null, owner, pageNumber, 0);
        if (token instanceof Hit) {
            return ((Hit) token).value();
        }
        runtime.exitCached(page, token, new Object[] {owner, pageNumber}, body);
        return body;
    }

    @Test
    void unboxedArgumentsFindTheEntryOfTheirBoxesAndItsTags() {
        assertEquals("p1", call(5_000_000_000L, 300, "p1"));
        assertEquals("p1", call(5_000_000_000L, 300, "again"), "a hit");
        assertEquals("p2", call(5_000_000_000L, 301, "p2"), "another page, another key");
        assertEquals("q1", call(-7, -300, "q1"));
        assertEquals("p1", ((Hit) runtime.enterCached(page, new Object[] {5_000_000_000L, 300})).value(),
                "the arguments in an array make the same key");

        runtime.evictTags(List.of("owner:5000000000"), false);

        Token miss = runtime.enterCached(page, null, null, null, 5_000_000_000L, 300, 0);
        assertInstanceOf(Load.class, miss, "the tag rendered from the unboxed owner evicted the entry");
        assertEquals("pages:5000000000:300", ((Load) miss).key());
        runtime.exitCached(page, miss, new Object[] {5_000_000_000L, 300}, "p1'");
        assertEquals("p2'", call(5_000_000_000L, 301, "p2'"), "the owner's other page carried the tag too");
        assertEquals("q1", call(-7, -300, "q1'"), "another owner's entry stays");
    }
}
