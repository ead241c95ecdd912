package app;

import io.weft.annotations.CacheResult;
import java.util.concurrent.atomic.AtomicInteger;

/** A cached method whose value's JSON would lose a field, and one whose value goes to Redis. */
public class Books {

    /** The ISBN has no getter: its JSON would be {@code {"title":…}}, and a copy read back would have no ISBN. */
    public static final class Book {
        private final String isbn;
        private final String title;

        Book(String isbn, String title) {
            this.isbn = isbn;
            this.title = title;
        }

        public String getTitle() {
            return title;
        }

        @Override
        public String toString() {
            return "Book(" + isbn + ", " + title + ")";
        }
    }

    static final AtomicInteger RUNS = new AtomicInteger();

    @CacheResult(key = "lossy:book:{id}")
    public Book book(String id) {
        RUNS.incrementAndGet();
        return new Book("isbn-" + id, "Title " + id);
    }

    @CacheResult(key = "lossy:title:{id}")
    public String title(String id) {
        return "Title " + id;
    }
}
