package app;

import java.util.UUID;

/** Calls every {@link Library} method once and prints the values and how often the bodies ran. */
public class LibraryMain {

    public static void main(String[] args) throws Exception {
        Library library = new Library();
        UUID id = UUID.fromString("33333333-3333-3333-3333-333333333333");
        System.out.println("CHECK shelf=" + library.shelf(id));
        System.out.println("CHECK shelf.type=" + library.shelf(id).getClass().getName());
        System.out.println("CHECK byOwner=" + library.byOwner("ann"));
        System.out.println("CHECK byOwner.elementType="
                + library.byOwner("ann").get("ann").get(0).getClass().getName());
        System.out.println("CHECK author=" + library.author("Tolkien"));
        System.out.println("CHECK count=" + library.count("abc").get());
        System.out.println("CHECK year=" + library.year("x"));
        System.out.println("CHECK runs=" + Library.RUNS.get());
        System.out.println("DONE");
        if (args.length > 0 && args[0].equals("hold")) {
            System.in.read(); // keeps the JVM (and its Redis writes in flight) alive until the test closes it
        }
    }
}
