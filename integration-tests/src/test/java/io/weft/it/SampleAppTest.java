package io.weft.it;

import static io.weft.it.support.SampleApp.ALICE;
import static io.weft.it.support.SampleApp.BOB;
import static io.weft.it.support.SampleApp.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.it.support.AppJvm;
import io.weft.it.support.SampleApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sample service under the agent, driven over HTTP as its users would. */
class SampleAppTest {

    /** A generated reader ({@code sample.seed.readers}): a user with no books of its own, no other test's. */
    private static final String READER = "00000000-0000-10ad-0000-000000000000";

    private static SampleApp app;

    @BeforeAll
    static void start() throws Exception {
        app = SampleApp.start(AppJvm.builder().property("sample.seed.readers", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    @Test
    void repeatedReadsAreServedFromTheCache() throws Exception {
        long books = app.bodyRuns("getBooks");
        long voices = app.bodyRuns("getVoices");
        for (int i = 0; i < 5; i++) {
            app.get("/api/v1/storybook/books?user=" + BOB);
            app.get("/api/v1/tts/voices");
        }
        assertTrue(app.bodyRuns("getBooks") - books <= 1);
        assertTrue(app.bodyRuns("getVoices") - voices <= 1);
        long after = app.bodyRuns("getBooks");
        app.get("/api/v1/storybook/books?user=" + BOB);
        assertEquals(after, app.bodyRuns("getBooks"));
    }

    @Test
    void aCachedBookIsNeverShownToAnotherUser() throws Exception {
        String bookId = field(app.get("/api/v1/storybook/books?user=" + ALICE), "id");
        app.get("/api/v1/storybook/books/" + bookId + "?user=" + ALICE);
        long runs = app.bodyRuns("getBook");
        assertEquals(404, app.send("GET", "/api/v1/storybook/books/" + bookId + "?user=" + BOB, null).statusCode());
        assertEquals(runs, app.bodyRuns("getBook"), "the ownership check ran on the cached book");
    }

    @Test
    void booksByIdsLoadOnlyTheBooksCachedNowhereAndShareEntriesWithSingleBooks() throws Exception {
        String willows = "a1ce0000-0000-0000-0000-000000000003";
        String garden = "a1ce0000-0000-0000-0000-000000000005";
        String heidi = "b0b00000-0000-0000-0000-000000000004";
        app.get("/api/v1/storybook/books/" + willows + "?user=" + ALICE);
        long batches = app.bodyRuns("getBooksByIds");
        long singles = app.bodyRuns("getBook");

        String both = app.get("/api/v1/storybook/books?user=" + ALICE + "&ids=" + garden + "," + willows + "," + heidi);

        assertTrue(both.indexOf("The Secret Garden") < both.indexOf("The Wind in the Willows")
                && both.indexOf("The Secret Garden") >= 0, "in the order asked: " + both);
        assertFalse(both.contains("Heidi"), "Bob's book is not shown to Alice");
        assertEquals(batches + 1, app.bodyRuns("getBooksByIds"));
        app.get("/api/v1/storybook/books?user=" + ALICE + "&ids=" + willows + "," + garden);
        app.get("/api/v1/storybook/books?user=" + BOB + "&ids=" + heidi);
        app.get("/api/v1/storybook/books/" + garden + "?user=" + ALICE);
        assertEquals(batches + 1, app.bodyRuns("getBooksByIds"), "every book cached: no query");
        assertEquals(singles, app.bodyRuns("getBook"), "the single book read the batch's entry");
        assertEquals(400, app.send("GET", "/api/v1/storybook/books?user=" + ALICE + "&ids=x", null).statusCode());
    }

    @Test
    void anUpdateEvictsTheBookAndTheList() throws Exception {
        String bookId = field(app.get("/api/v1/storybook/books?user=" + ALICE), "id");
        app.get("/api/v1/storybook/books/" + bookId + "?user=" + ALICE);
        long book = app.bodyRuns("getBook");
        long list = app.bodyRuns("getBooks");
        assertEquals(200, app.send("PUT", "/api/v1/storybook/books/" + bookId + "?user=" + ALICE,
                "{\"title\":\"Renamed by test\"}").statusCode());
        assertTrue(app.get("/api/v1/storybook/books/" + bookId + "?user=" + ALICE).contains("Renamed by test"));
        assertTrue(app.get("/api/v1/storybook/books?user=" + ALICE).contains("Renamed by test"));
        assertEquals(book + 1, app.bodyRuns("getBook"));
        assertEquals(list + 1, app.bodyRuns("getBooks"));
    }

    @Test
    void creatingAndDeletingABookEvictTheOwnersList() throws Exception {
        app.get("/api/v1/storybook/books?user=" + BOB);
        var created = app.send("POST", "/api/v1/storybook/books?user=" + BOB, "{\"title\":\"Fresh\",\"author\":\"Test\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(app.get("/api/v1/storybook/books?user=" + BOB).contains("Fresh"), "{return.userId} evicted the list");
        String id = field(created.body(), "id");
        assertEquals(204, app.send("DELETE", "/api/v1/storybook/books/" + id + "?user=" + BOB, null).statusCode());
        assertFalse(app.get("/api/v1/storybook/books?user=" + BOB).contains("Fresh"));
        assertEquals(404, app.send("GET", "/api/v1/storybook/books/" + id + "?user=" + BOB, null).statusCode());
    }

    @Test
    void clearingAShelfEvictsTheUsersTaggedListAndEachBook() throws Exception {
        String books = "/api/v1/storybook/books?user=" + READER;
        for (String title : new String[] {"One", "Two"}) {
            assertEquals(201, app.send("POST", books, "{\"title\":\"" + title + "\",\"author\":\"Test\"}")
                    .statusCode());
        }
        String shelf = app.get(books);
        String one = field(shelf, "id");
        app.get("/api/v1/storybook/books/" + one + "?user=" + READER);
        long lists = app.bodyRuns("getBooks");
        long singles = app.bodyRuns("getBook");
        app.get(books);
        app.get("/api/v1/storybook/books/" + one + "?user=" + READER);
        assertEquals(lists, app.bodyRuns("getBooks"), "the shelf is cached");
        assertEquals(singles, app.bodyRuns("getBook"), "the book is cached");

        var cleared = app.send("DELETE", books, null);
        assertEquals(200, cleared.statusCode(), cleared.body());
        assertTrue(cleared.body().contains("\"deleted\":2"), cleared.body());

        assertEquals("[]", app.get(books), "the shelf tagged with the user was evicted by the tag");
        assertEquals(lists + 1, app.bodyRuns("getBooks"));
        assertEquals(404, app.send("GET", "/api/v1/storybook/books/" + one + "?user=" + READER, null).statusCode(),
                "the book was evicted by its [*] key");
        assertEquals(singles + 1, app.bodyRuns("getBook"));
    }

    @Test
    void aProfileUpdateEvictsTheProfile() throws Exception {
        app.get("/api/v1/user/me?user=" + ALICE);
        long runs = app.bodyRuns("getProfile");
        app.get("/api/v1/user/me?user=" + ALICE);
        assertEquals(runs, app.bodyRuns("getProfile"));
        assertEquals(200, app.send("PUT", "/api/v1/user/me?user=" + ALICE, "{\"displayName\":\"Alice Updated\"}")
                .statusCode());
        assertTrue(app.get("/api/v1/user/me?user=" + ALICE).contains("Alice Updated"));
        assertEquals(runs + 1, app.bodyRuns("getProfile"));
    }
}
