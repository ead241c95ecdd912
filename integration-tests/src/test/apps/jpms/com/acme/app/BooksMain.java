package com.acme.app;

/**
 * Calls the cached method twice and prints checks. Run with {@code -m demo.mod/com.acme.app.BooksMain}:
 * the first JVM loads and stores the value in Redis, a second one reads it back from there.
 */
public class BooksMain {

    public static void main(String[] args) throws Exception {
        Books books = new Books();
        Book first = books.find("42");
        Book second = books.find("42");
        check("book", first + "|" + second);
        check("type", second.getClass().getName());
        check("module", BooksMain.class.getModule().getName());
        check("runs", books.runs());
        // hits on a refreshAfter entry until its background reload replaced it (30 s at most)
        String title = books.titleOf("7");
        String loaded = title;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (title.equals(loaded) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            title = books.titleOf("7");
        }
        check("refreshed", loaded + "|" + title);
        System.out.println("DONE");
        if (args.length > 0 && args[0].equals("hold")) {
            System.in.read(); // keeps the JVM (and its Redis writes in flight) alive until the test closes it
        }
    }

    static void check(String name, Object value) {
        System.out.println("CHECK " + name + "=" + value);
    }
}
