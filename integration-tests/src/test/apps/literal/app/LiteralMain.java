package app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Calls SPEC §2's and §3's examples once each, prints {@code READY}, then answers each line {@code <id> <call>}
 * with {@code <id> runs=<how often getBooks ran>} until its input ends.
 */
public class LiteralMain {

    static final UUID USER = UUID.fromString("3f2a0000-0000-0000-0000-000000000001");
    static final UUID BOOK = UUID.fromString("b0000000-0000-0000-0000-000000000001");

    public static void main(String[] args) throws Exception {
        Storybook books = new Storybook();
        Keys keys = new Keys();
        Positional positional = new Positional();
        keys.str(null);
        keys.str("null");
        keys.str("a:b,c\\d");
        keys.str("plain-id_1.2");
        keys.list(Arrays.asList("a", "b"));
        keys.list(List.of());
        keys.list(Arrays.asList("a", null));
        keys.list(null);
        keys.arr(new int[] {1, 2});
        keys.num(42L, true, 1.5);
        keys.braces(7);
        keys.record(new Keys.Owner("ann", true));
        keys.bean(new Keys.Bean("bob", false));
        keys.field(new Keys.Plain("cy"));
        keys.positional("p", 3);
        keys.ttl300(1);
        keys.ttl300s(1);
        keys.ttl5m(1);
        keys.ttl1h(1);
        keys.ttl1d(1);
        keys.ttlIso(1);
        keys.ttlDefault(1);
        positional.get("a", 1);
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.split(" ");
            switch (words[1]) {
                case "getBooks" -> books.getBooks(USER);
                case "updateBook" -> books.updateBook(BOOK, USER, new Storybook.BookPatch("x"));
                case "createBook" -> books.createBook(new Storybook.NewBook(USER, "New"));
                case "openBook" -> books.openBook(BOOK);
                case "updatePositional" -> positional.update("a", 1, USER, true, Positional.Shelf.TOP);
                default -> throw new IllegalArgumentException(line);
            }
            System.out.println(words[0] + " runs=" + Storybook.runs("getBooks"));
        }
        System.out.println("DONE");
    }
}
