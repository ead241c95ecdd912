package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tagged entries driven line by line from standard input: {@code <id> book <bookId> <userId> <libraryId>} is
 * answered {@code <id> <value> runs=<body runs of book>}; {@code <id> user <userId>} and
 * {@code <id> library <libraryId>} evict by tag.
 */
public class Tags {

    static final AtomicInteger RUNS = new AtomicInteger();

    @CacheResult(key = "tags:book:{bookId}", tags = {"user:{userId}", "library:{libraryId}"})
    public String book(String bookId, String userId, String libraryId) {
        return bookId + "#" + RUNS.incrementAndGet();
    }

    @InvalidateCache(tags = "user:{userId}", event = "user.changed")
    public void changeUser(String userId) {
    }

    @InvalidateCache(tags = "library:{return}")
    public String moveLibrary(String libraryId) {
        return libraryId;
    }

    public static void main(String[] args) throws Exception {
        Tags tags = new Tags();
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.split(" ");
            Object result = switch (words[1]) {
                case "book" -> tags.book(words[2], words[3], words[4]);
                case "user" -> {
                    tags.changeUser(words[2]);
                    yield "changed";
                }
                case "library" -> tags.moveLibrary(words[2]);
                default -> "unknown " + words[1];
            };
            System.out.println(words[0] + " " + result + " runs=" + RUNS.get());
        }
    }
}
