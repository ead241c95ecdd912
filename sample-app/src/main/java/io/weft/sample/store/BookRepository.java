package io.weft.sample.store;

import io.weft.sample.model.Book;
import io.weft.sample.model.BookPatch;
import io.weft.sample.model.BookWithPages;
import io.weft.sample.model.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Books and their pages in the tables {@code sample_books} and {@code sample_pages}. */
public final class BookRepository {

    private static final String BOOK_COLUMNS = "b.id, b.user_id, b.title, b.author, b.updated_at";

    private final Database db;

    public BookRepository(Database db) {
        this.db = db;
    }

    /** The user's books, by title. */
    public List<Book> findByUser(UUID userId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + BOOK_COLUMNS + " FROM sample_books b WHERE b.user_id = ? ORDER BY b.title, b.id")) {
                ps.setObject(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Book> books = new ArrayList<>();
                    while (rs.next()) {
                        books.add(book(rs));
                    }
                    return books;
                }
            }
        });
    }

    /** The book joined with its pages, in page order. */
    public Optional<BookWithPages> findWithPages(UUID bookId) {
        return Optional.ofNullable(findWithPages(List.of(bookId)).get(bookId));
    }

    /** The books of {@code bookIds} that exist, each joined with its pages in page order, in one query. */
    public Map<UUID, BookWithPages> findWithPages(List<UUID> bookIds) {
        if (bookIds.isEmpty()) {
            return Map.of();
        }
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + BOOK_COLUMNS + ", p.page_no, p.body"
                    + " FROM sample_books b LEFT JOIN sample_pages p ON p.book_id = b.id"
                    + " WHERE b.id IN (" + String.join(", ", Collections.nCopies(bookIds.size(), "?")) + ")"
                    + " ORDER BY b.id, p.page_no")) {
                for (int i = 0; i < bookIds.size(); i++) {
                    ps.setObject(i + 1, bookIds.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    Map<UUID, Book> books = new LinkedHashMap<>();
                    Map<UUID, List<Page>> pages = new HashMap<>();
                    while (rs.next()) {
                        UUID id = rs.getObject("id", UUID.class);
                        Book book = books.get(id);
                        if (book == null) {
                            book = book(rs);
                            books.put(id, book);
                        }
                        int number = rs.getInt("page_no");
                        if (!rs.wasNull()) {
                            pages.computeIfAbsent(id, bookId -> new ArrayList<>()).add(new Page(number,
                                    rs.getString("body")));
                        }
                    }
                    Map<UUID, BookWithPages> found = new LinkedHashMap<>();
                    books.forEach((id, book) -> found.put(id, new BookWithPages(book, pages.getOrDefault(id, List.of()))));
                    return found;
                }
            }
        });
    }

    /** Stores a new book without pages; {@link NotFoundException} if its user does not exist. */
    public Book insert(Book book) {
        return db.write(c -> {
            if (!UserRepository.exists(c, book.userId())) {
                throw new NotFoundException("no user " + book.userId());
            }
            insert(c, new BookWithPages(book, List.of()));
            return book;
        });
    }

    /** Applies the patch to the user's book; empty if the user has no such book. */
    public Optional<Book> update(UUID bookId, UUID userId, BookPatch patch, OffsetDateTime now) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE sample_books"
                    + " SET title = COALESCE(?, title), author = COALESCE(?, author), updated_at = ?"
                    + " WHERE id = ? AND user_id = ?")) {
                ps.setString(1, patch.title());
                ps.setString(2, patch.author());
                ps.setObject(3, now);
                ps.setObject(4, bookId);
                ps.setObject(5, userId);
                if (ps.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + BOOK_COLUMNS + " FROM sample_books b WHERE b.id = ?")) {
                ps.setObject(1, bookId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Optional.of(book(rs));
                }
            }
        });
    }

    /** Deletes the user's book and its pages; false if the user has no such book. */
    public boolean delete(UUID bookId, UUID userId) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sample_books WHERE id = ? AND user_id = ?")) {
                ps.setObject(1, bookId);
                ps.setObject(2, userId);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Deletes those of {@code bookIds} that are the user's, with their pages; how many were. */
    public int delete(UUID userId, List<UUID> bookIds) {
        return db.write(c -> {
            int deleted = 0;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sample_books WHERE id = ? AND user_id = ?")) {
                for (UUID bookId : bookIds) {
                    ps.setObject(1, bookId);
                    ps.setObject(2, userId);
                    deleted += ps.executeUpdate();
                }
            }
            return deleted;
        });
    }

    /** Inserts a book row and its page rows on the caller's connection. */
    static void insert(Connection c, BookWithPages bookWithPages) throws SQLException {
        Book book = bookWithPages.book();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sample_books (id, user_id, title, author, updated_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setObject(1, book.id());
            ps.setObject(2, book.userId());
            ps.setString(3, book.title());
            ps.setString(4, book.author());
            ps.setObject(5, book.updatedAt().atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        if (bookWithPages.pages().isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sample_pages (book_id, page_no, body) VALUES (?, ?, ?)")) {
            for (Page page : bookWithPages.pages()) {
                ps.setObject(1, book.id());
                ps.setInt(2, page.number());
                ps.setString(3, page.text());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static boolean exists(Connection c, UUID bookId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sample_books WHERE id = ?")) {
            ps.setObject(1, bookId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Book book(ResultSet rs) throws SQLException {
        return new Book(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class),
                rs.getString("title"), rs.getString("author"),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
