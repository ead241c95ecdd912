package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** SPEC §2's three examples, as written there, and an {@code @InvalidateCache} with its defaults. */
public class Storybook {

    public record Book(UUID id, UUID userId, String title) {
    }

    public record BookPatch(String title) {
    }

    public record NewBook(UUID userId, String title) {
    }

    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    static int runs(String name) {
        return RUNS.computeIfAbsent(name, n -> new AtomicInteger()).get();
    }

    private static void ran(String name) {
        RUNS.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    }

    @CacheResult(key = "storybook:books:{userId}", ttl = "5m")
    public List<Book> getBooks(UUID userId) {
        ran("getBooks");
        return List.of(new Book(UUID.fromString("aaaaaaaa-0000-0000-0000-000000000001"), userId, "Dune"));
    }

    @InvalidateCache(keys = {"storybook:book:{bookId}", "storybook:books:{userId}"}, event = "book.updated")
    public void updateBook(UUID bookId, UUID userId, BookPatch patch) {
        ran("updateBook");
    }

    @InvalidateCache(keys = "storybook:books:{return.userId}", event = "book.created")
    public Book createBook(NewBook request) {
        ran("createBook");
        return new Book(UUID.randomUUID(), request.userId(), request.title());
    }

    /** Evicts nothing: every attribute has a default, so this only publishes its event, for other services. */
    @InvalidateCache(event = "book.opened")
    public void openBook(UUID bookId) {
        ran("openBook");
    }
}
