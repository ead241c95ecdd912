package io.weft.sample.service;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import io.weft.sample.model.Book;
import io.weft.sample.model.BookPatch;
import io.weft.sample.model.BookWithPages;
import io.weft.sample.model.NewBook;
import io.weft.sample.store.BookRepository;
import io.weft.sample.store.NotFoundException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The storybook shelf. Reads are cached per user and per book; every write evicts what it changed.
 * Ownership is checked by the callers, outside the cached methods.
 */
public class BookService {

    private final BookRepository books;
    private final BackendStats stats;

    public BookService(BookRepository books, BackendStats stats) {
        this.books = books;
        this.stats = stats;
    }

    /** The user's shelf, tagged with the user: {@link #deleteBooks} evicts it with the user's tag. */
    @CacheResult(key = "storybook:books:{userId}", ttl = "5m", tags = "user:{userId}")
    public List<Book> getBooks(UUID userId) {
        stats.getBooks.incrementAndGet();
        return books.findByUser(userId);
    }

    /** The book with its pages, or {@code null} if there is no such book (not cached). */
    @CacheResult(key = "storybook:book:{bookId}", ttl = "10m")
    public BookWithPages getBook(UUID bookId) {
        stats.getBook.incrementAndGet();
        return books.findWithPages(bookId).orElse(null);
    }

    /**
     * The books of {@code bookIds} that exist, with their pages: each book is the entry {@link #getBook} caches
     * ({@code storybook:book:<id>}), and the database is asked once, for the books cached nowhere.
     */
    @CacheResult(key = "storybook:book:{bookIds[*]}", ttl = "10m")
    public Map<UUID, BookWithPages> getBooksByIds(List<UUID> bookIds) {
        stats.getBooksByIds.incrementAndGet();
        return books.findWithPages(bookIds);
    }

    @InvalidateCache(keys = "storybook:books:{return.userId}", event = "book.created")
    public Book createBook(NewBook request) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return books.insert(new Book(UUID.randomUUID(), request.userId(), request.title(), request.author(), now));
    }

    @InvalidateCache(keys = {"storybook:book:{bookId}", "storybook:books:{userId}"}, event = "book.updated")
    public Book updateBook(UUID bookId, UUID userId, BookPatch patch) {
        return books.update(bookId, userId, patch, Instant.now().truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC))
                .orElseThrow(() -> new NotFoundException("no book " + bookId));
    }

    /** Empties the user's shelf: every book of the user, deleted and evicted in one invalidation. */
    public int clearShelf(UUID userId) {
        return deleteBooks(userId, books.findByUser(userId).stream().map(Book::id).toList());
    }

    /**
     * Deletes the user's books among {@code bookIds}: one invalidation evicts each book's entry ({@code [*]}) and
     * every entry tagged with the user (the shelf), here and in every other instance.
     */
    @InvalidateCache(keys = "storybook:book:{bookIds[*]}", tags = "user:{userId}", event = "user.shelf.cleared")
    public int deleteBooks(UUID userId, List<UUID> bookIds) {
        return books.delete(userId, bookIds);
    }

    @InvalidateCache(keys = {"storybook:book:{bookId}", "storybook:books:{userId}"}, event = "book.deleted")
    public void deleteBook(UUID bookId, UUID userId) {
        if (!books.delete(bookId, userId)) {
            throw new NotFoundException("no book " + bookId);
        }
    }
}
