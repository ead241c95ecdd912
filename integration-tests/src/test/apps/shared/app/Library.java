package app;

import io.weft.annotations.CacheResult;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Methods whose values must come back from Redis as their declared generic types. */
public class Library {

    public enum Genre { FABLE, POETRY }

    public record Author(String name, LocalDate born) {}

    public record Shelf(UUID id, Genre genre, List<Author> authors, Map<String, List<Integer>> ratings, Instant updated) {}

    static final AtomicInteger RUNS = new AtomicInteger();

    static Shelf shelfFor(UUID id) {
        Map<String, List<Integer>> ratings = new LinkedHashMap<>();
        ratings.put("alice", List.of(5, 4));
        ratings.put("bob", List.of());
        return new Shelf(id, Genre.FABLE, List.of(new Author("Aesop", LocalDate.of(1620, 1, 1)),
                new Author("La Fontaine", LocalDate.of(1621, 7, 8))), ratings, Instant.parse("2026-11-21T10:15:30.123Z"));
    }

    @CacheResult(key = "shared:shelf:{id}")
    public Shelf shelf(UUID id) {
        RUNS.incrementAndGet();
        return shelfFor(id);
    }

    @CacheResult(key = "shared:byowner:{owner}")
    public Map<String, List<Shelf>> byOwner(String owner) {
        RUNS.incrementAndGet();
        return Map.of(owner, List.of(shelfFor(new UUID(1, 2)), shelfFor(new UUID(3, 4))));
    }

    @CacheResult(key = "shared:author:{name}")
    public Optional<Author> author(String name) {
        RUNS.incrementAndGet();
        return Optional.of(new Author(name, LocalDate.of(1900, 2, 3)));
    }

    @CacheResult(key = "shared:count:{name}")
    public CompletableFuture<Long> count(String name) {
        RUNS.incrementAndGet();
        return CompletableFuture.completedFuture((long) name.length() * 1_000_000_000L);
    }

    @CacheResult(key = "shared:year:{name}")
    public int year(String name) {
        RUNS.incrementAndGet();
        return 1999;
    }
}
