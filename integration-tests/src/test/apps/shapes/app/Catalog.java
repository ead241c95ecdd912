package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Cached methods of every shape SPEC §2 and §5 allow; each counts how often its body runs. */
public class Catalog {

    public record Book(UUID id, UUID userId, String title) {}

    public static final class Owner {
        private final String name;
        private final boolean active;

        public Owner(String name, boolean active) {
            this.name = name;
            this.active = active;
        }

        public String getName() {
            return name;
        }

        public boolean isActive() {
            return active;
        }
    }

    /** Its key property throws: the caching path fails and must fall back to calling the method. */
    public static final class Fragile {
        public String getId() {
            throw new IllegalStateException("broken getter");
        }
    }

    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    static final Map<UUID, String> TITLES = new ConcurrentHashMap<>();

    static int runs(String method) {
        return RUNS.computeIfAbsent(method, k -> new AtomicInteger()).get();
    }

    private static void ran(String method) {
        RUNS.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    }

    @CacheResult(key = "shapes:private:{id}")
    private String privateLookup(int id) {
        ran("private");
        return "p" + id;
    }

    /** Self-invocation: calls the private cached method from inside the class. */
    public String selfInvoking(int id) {
        return privateLookup(id) + "/" + privateLookup(id);
    }

    @CacheResult(key = "shapes:static:{a}:{b}")
    public static long staticSum(long a, long b) {
        ran("static");
        return a + b;
    }

    @CacheResult(key = "shapes:final:{name}")
    public final String finalGreeting(String name) {
        ran("final");
        return "hello " + name;
    }

    @CacheResult(key = "shapes:book:{bookId}", ttl = "10m")
    public Book book(UUID bookId, UUID userId) {
        ran("book");
        return new Book(bookId, userId, TITLES.getOrDefault(bookId, "untitled"));
    }

    @CacheResult(key = "shapes:books:{userId}")
    public List<String> books(UUID userId) {
        ran("books");
        return List.of("a-" + userId, "b-" + userId);
    }

    @InvalidateCache(keys = {"shapes:book:{bookId}", "shapes:books:{userId}"}, event = "book.updated")
    public void rename(UUID bookId, UUID userId, String title) {
        TITLES.put(bookId, title);
    }

    @InvalidateCache(keys = "shapes:books:{return.userId}", event = "book.created")
    public Book create(UUID userId, String title) {
        UUID id = UUID.randomUUID();
        TITLES.put(id, title);
        return new Book(id, userId, title);
    }

    @InvalidateCache(prefixes = "shapes:books:")
    public void evictAllBooks() {
    }

    @InvalidateCache(keys = "shapes:books:{userId}", beforeInvocation = true)
    public void failingWrite(UUID userId) {
        throw new IllegalStateException("write failed after eviction");
    }

    @InvalidateCache(keys = "shapes:books:{userId}")
    public void failingWriteAfter(UUID userId) {
        throw new IllegalStateException("write failed, nothing evicted");
    }

    @CacheResult(key = "shapes:optional:{key}")
    public Optional<String> optional(String key) {
        ran("optional");
        return key.startsWith("none") ? Optional.empty() : Optional.of("v-" + key);
    }

    @CacheResult(key = "shapes:nullable:{key}", cacheNull = true)
    public String nullable(String key) {
        ran("nullable");
        return null;
    }

    @CacheResult(key = "shapes:notnull:{key}")
    public String notCachedNull(String key) {
        ran("notnull");
        return null;
    }

    @CacheResult(key = "shapes:future:{key}")
    public CompletableFuture<String> future(String key) {
        ran("future");
        return CompletableFuture.supplyAsync(() -> "f-" + key);
    }

    /** Fails on its first call: a failed stage is not cached, the next one's value is. */
    @CacheResult(key = "shapes:stage:{key}")
    public CompletionStage<String> stage(String key) {
        ran("stage");
        return runs("stage") == 1 ? CompletableFuture.failedFuture(new IllegalStateException("first stage fails"))
                : CompletableFuture.supplyAsync(() -> "st-" + key);
    }

    @CacheResult(key = "shapes:optnull:{key}", cacheNull = true)
    public Optional<String> absent(String key) {
        ran("optnull");
        return Optional.empty();
    }

    @CacheResult(key = "shapes:protected:{key}")
    protected String protectedLookup(String key) {
        ran("protected");
        return "pr-" + key;
    }

    @CacheResult(key = "shapes:package:{key}")
    String packageLookup(String key) {
        ran("package");
        return "pk-" + key;
    }

    /** Named by its attribute: {@code weft.cache.shapes-named.*} configures it. */
    @CacheResult(key = "shapes:named:{key}", name = "shapes-named")
    public String named(String key) {
        ran("named");
        return "n-" + key;
    }

    /** A key that starts with a placeholder: the cache is called {@code Catalog.braced}. */
    @CacheResult(key = "{key}:shapes:braced")
    public String braced(String key) {
        ran("braced");
        return "b-" + key;
    }

    @CacheResult(key = "shapes:failedfuture:{key}")
    public CompletableFuture<String> failedFuture(String key) {
        ran("failedfuture");
        return CompletableFuture.failedFuture(new IllegalStateException("remote down"));
    }

    @CacheResult(key = "shapes:throws:{key}")
    public String throwsFirst(String key) {
        ran("throws");
        if (runs("throws") == 1) {
            throw new IllegalArgumentException("first call fails");
        }
        return "ok-" + key;
    }

    @CacheResult(key = "shapes:owner:{owner.name}:{owner.active}")
    public String ownerLabel(Owner owner) {
        ran("owner");
        return owner.getName() + (owner.isActive() ? "+" : "-");
    }

    @CacheResult(key = "shapes:fragile:{fragile.id}")
    public String fragile(Fragile fragile) {
        ran("fragile");
        return "body ran";
    }

    @CacheResult(key = "shapes:ttl:{key}", ttl = "1s")
    public String shortLived(String key) {
        ran("ttl");
        return "t-" + key;
    }

    @CacheResult(key = "shapes:both:{key}")
    @InvalidateCache(keys = "shapes:books:{userId}")
    public String readAndEvict(String key, UUID userId) {
        ran("both");
        return "both-" + key;
    }

    @CacheResult(key = "shapes:escape:{a}:{b}")
    public String escaped(String a, String b) {
        ran("escape");
        return a + "|" + b;
    }

    /** Six parameters, passed one by one on entry: one of each kind of slot, a late one read through a getter. */
    @CacheResult(key = "shapes:six:{tenant}:{id}:{page}:{price}:{owner.name}:{active}")
    public String six(String tenant, long id, int page, double price, Owner owner, boolean active) {
        ran("six");
        return tenant + "/" + id + "/" + page + "/" + price + "/" + owner.getName() + "/" + active + "/" + runs("six");
    }

    /**
     * Five parameters read as they are: the key is made by code generated for the template (each kind of slot, a
     * {@code double} and a {@code boolean} among them).
     */
    @CacheResult(key = "shapes:five:{tenant}:{id}:{page}:{price}:{active}")
    public String five(String tenant, long id, int page, double price, boolean active) {
        ran("five");
        return tenant + "/" + id + "/" + page + "/" + price + "/" + active + "/" + runs("five");
    }

    /** Invalidates a key of {@link #five} by its text, rendered from strings (as another instance's event names it). */
    @InvalidateCache(keys = "shapes:five:{tenant}:{id}:{page}:{price}:{active}")
    public void forgetFive(String tenant, String id, String page, String price, String active) {
    }

    /** A list of ids: its key is hashed from the elements on a hit, and kept as a copy of them. */
    @CacheResult(key = "shapes:ids:{ids}")
    public String byIds(List<Long> ids) {
        ran("ids");
        return ids + "/" + runs("ids");
    }

    /** Invalidates by the rendered text the key of a list that a hit describes from its elements. */
    @InvalidateCache(keys = "shapes:ids:{ids}")
    public void forgetIds(List<Long> ids) {
    }

    /** An instant: its key is hashed from its fields on a hit. */
    @CacheResult(key = "shapes:since:{from}")
    public String since(Instant from) {
        ran("since");
        return from + "/" + runs("since");
    }

    @InvalidateCache(keys = "shapes:since:{from}")
    public void forgetSince(Instant from) {
    }

    @CacheResult(key = "shapes:slow:{key}")
    public String slow(String key) throws InterruptedException {
        ran("slow");
        Thread.sleep(300);
        return "slow-" + key + "-" + runs("slow");
    }
}
