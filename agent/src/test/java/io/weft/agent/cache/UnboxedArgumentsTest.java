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

    /** {@code Orders.find(String tenant, long owner, int page, boolean open, double min, long region)}. */
    private static final List<String> FIND_NAMES = List.of("tenant", "owner", "page", "open", "min", "region");
    private static final List<String> FIND_TYPES = List.of("java.lang.String", "long", "int", "boolean", "double",
            "long");

    private final int find = methods.register(new CachedMethod(
            new DeclaredMethod("com.acme.Orders", "find", FIND_TYPES, FIND_NAMES, getClass().getClassLoader()),
            caches.cache("orders", true), bind("orders:{tenant}:{owner}:{page}:{open}:{min}", FIND_NAMES, FIND_TYPES),
            scopes.of(getClass().getClassLoader()), 60_000, TimeUnit.MINUTES.toNanos(1), false, true, ResultShape.PLAIN,
            null, List.of(bind("region:{region}", FIND_NAMES, FIND_TYPES)), false, 0));

    private static KeyRenderer bind(String template) {
        return TemplateBinder.bind(Template.parse(template), PAGE, false);
    }

    private static KeyRenderer bind(String template, List<String> names, List<String> types) {
        return TemplateBinder.bind(Template.parse(template), new TestSignature(names, types, "java.lang.String"),
                false);
    }

    /** A call of {@code find} as the woven method makes it: six slots of each kind, the array made on a miss. */
    private Token enterFind(long owner, int page, double min, long region) {
        return runtime.enterCached(find, "acme", null, null, Boolean.TRUE, null, null, 0, owner, page, 0,
                Double.doubleToRawLongBits(min), region);
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

    /**
     * A method of six parameters passes them in six slots of each kind: the key and, on a miss, the arguments (the tags
     * rendered from the last) are those of the boxed array.
     */
    @Test
    void sixArgumentsPassedOneByOneFindTheEntryOfTheirArrayAndItsTags() {
        Token miss = enterFind(5_000_000_000L, 300, 2.5, 44);
        assertInstanceOf(Load.class, miss);
        assertEquals("orders:acme:5000000000:300:true:2.5", ((Load) miss).key());
        runtime.exitCached(find, miss, new Object[] {"acme", 5_000_000_000L, 300, true, 2.5, 44L}, "o1");
        assertEquals("o1", ((Hit) enterFind(5_000_000_000L, 300, 2.5, 44)).value(), "a hit");
        assertEquals("o1", ((Hit) runtime.enterCached(find, new Object[] {"acme", 5_000_000_000L, 300, true, 2.5, 44L}))
                .value(), "the arguments in an array make the same key");
        assertInstanceOf(Load.class, enterFind(5_000_000_000L, 300, 2.25, 44), "another minimum, another key");

        runtime.evictTags(List.of("region:44"), false);

        assertInstanceOf(Load.class, enterFind(5_000_000_000L, 300, 2.5, 44),
                "the tag rendered from the sixth argument, passed unboxed, evicted the entry");
    }
}
