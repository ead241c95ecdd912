package io.weft.sample.store;

import io.weft.sample.model.Book;
import io.weft.sample.model.BookWithPages;
import io.weft.sample.model.Page;
import io.weft.sample.model.UserProfile;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The schema and the deterministic seed data: alice and bob, five books each, thirty pages of
 * 1-2 KB per book. Safe to run from several instances sharing one database: tables are created if
 * absent and seed rows inserted only if absent.
 */
public final class Seed {

    public static final UUID ALICE = UUID.fromString("11111111-1111-1111-1111-111111111111");
    public static final UUID BOB = UUID.fromString("22222222-2222-2222-2222-222222222222");

    public static final List<UserProfile> PROFILES = List.of(
            new UserProfile(ALICE, "Alice", "en-US-aria"),
            new UserProfile(BOB, "Bob", "en-GB-ryan"));

    public static final List<Book> BOOKS = List.of(
            book("a1ce0000-0000-0000-0000-000000000001", ALICE, "The Velveteen Rabbit", "Margery Williams"),
            book("a1ce0000-0000-0000-0000-000000000002", ALICE, "Peter Pan", "J. M. Barrie"),
            book("a1ce0000-0000-0000-0000-000000000003", ALICE, "The Wind in the Willows", "Kenneth Grahame"),
            book("a1ce0000-0000-0000-0000-000000000004", ALICE, "Alice's Adventures in Wonderland", "Lewis Carroll"),
            book("a1ce0000-0000-0000-0000-000000000005", ALICE, "The Secret Garden", "Frances Hodgson Burnett"),
            book("b0b00000-0000-0000-0000-000000000001", BOB, "Treasure Island", "Robert Louis Stevenson"),
            book("b0b00000-0000-0000-0000-000000000002", BOB, "The Jungle Book", "Rudyard Kipling"),
            book("b0b00000-0000-0000-0000-000000000003", BOB, "Black Beauty", "Anna Sewell"),
            book("b0b00000-0000-0000-0000-000000000004", BOB, "Heidi", "Johanna Spyri"),
            book("b0b00000-0000-0000-0000-000000000005", BOB, "The Adventures of Pinocchio", "Carlo Collodi"));

    private static final int PAGES_PER_BOOK = 30;

    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS sample_users (id UUID PRIMARY KEY,"
                    + " display_name VARCHAR(200) NOT NULL, voice_id VARCHAR(100) NOT NULL)",
            "CREATE TABLE IF NOT EXISTS sample_books (id UUID PRIMARY KEY,"
                    + " user_id UUID NOT NULL REFERENCES sample_users (id),"
                    + " title VARCHAR(500) NOT NULL, author VARCHAR(500) NOT NULL,"
                    + " updated_at TIMESTAMP WITH TIME ZONE NOT NULL)",
            "CREATE INDEX IF NOT EXISTS sample_books_user_idx ON sample_books (user_id)",
            "CREATE TABLE IF NOT EXISTS sample_pages (book_id UUID NOT NULL REFERENCES sample_books (id) ON DELETE CASCADE,"
                    + " page_no INT NOT NULL, body VARCHAR(4000) NOT NULL, PRIMARY KEY (book_id, page_no))");

    /** SQLSTATEs of a concurrent instance having created the same table or row first. */
    private static final Set<String> ALREADY_THERE = Set.of("23505", "42P07");

    private static final String[] WORDS = ("the little rabbit fox garden moon river boat lantern quietly ran "
            + "across under over bright dark forest castle friend found lost old brave small wind whispered "
            + "laughed morning evening star tea cake door window key secret map island and with into then")
            .split(" ");

    private Seed() {
    }

    /** Creates the tables if absent and inserts whichever seed rows are missing. */
    public static void apply(Database db) {
        for (String ddl : SCHEMA) {
            tolerateConcurrentInstances(db, c -> {
                try (Statement st = c.createStatement()) {
                    st.execute(ddl);
                }
                return null;
            });
        }
        for (UserProfile profile : PROFILES) {
            tolerateConcurrentInstances(db, c -> {
                if (!UserRepository.exists(c, profile.userId())) {
                    UserRepository.insert(c, profile);
                }
                return null;
            });
        }
        for (Book book : BOOKS) {
            tolerateConcurrentInstances(db, c -> {
                if (!BookRepository.exists(c, book.id())) {
                    BookRepository.insert(c, new BookWithPages(book, pages(book)));
                }
                return null;
            });
        }
    }

    /** The id of generated reader {@code n} ({@link #readers}): the same on every run and in every instance. */
    public static UUID reader(int n) {
        return new UUID(0x10adL, n);
    }

    /** Inserts the generated readers {@code 0 … count-1} that are missing (no books), for load runs. */
    public static void readers(Database db, int count) {
        for (int n = 0; n < count; n++) {
            UserProfile profile = new UserProfile(reader(n), "Reader " + n, "en-US-aria");
            tolerateConcurrentInstances(db, c -> {
                if (!UserRepository.exists(c, profile.userId())) {
                    UserRepository.insert(c, profile);
                }
                return null;
            });
        }
    }

    /** The same text on every run: the random generator is seeded with the book's id. */
    private static List<Page> pages(Book book) {
        Random random = new Random(book.id().getLeastSignificantBits() ^ book.id().getMostSignificantBits());
        return IntStream.rangeClosed(1, PAGES_PER_BOOK).mapToObj(n -> new Page(n, text(random))).toList();
    }

    private static String text(Random random) {
        int length = 1000 + random.nextInt(1000);
        StringBuilder text = new StringBuilder(length + 100);
        while (text.length() < length) {
            List<String> sentence = new ArrayList<>();
            for (int i = 5 + random.nextInt(10); i > 0; i--) {
                sentence.add(WORDS[random.nextInt(WORDS.length)]);
            }
            String joined = String.join(" ", sentence);
            text.append(Character.toUpperCase(joined.charAt(0))).append(joined, 1, joined.length()).append(". ");
        }
        return text.toString().trim();
    }

    private static void tolerateConcurrentInstances(Database db, Database.SqlWork<Void> work) {
        try {
            db.write(work);
        } catch (Database.DataAccessException e) {
            if (!ALREADY_THERE.contains(e.sqlState())) {
                throw e;
            }
        }
    }

    private static Book book(String id, UUID userId, String title, String author) {
        return new Book(UUID.fromString(id), userId, title, author, Instant.parse("2024-05-01T09:00:00Z"));
    }
}
