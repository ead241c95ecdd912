package app;

/** Calls {@link Books#book} twice for each of two keys, then holds the JVM (and its L1) until standard input ends. */
public class BooksMain {

    public static void main(String[] args) throws Exception {
        Books books = new Books();
        System.out.println("CHECK first=" + books.book("1") + "|" + books.book("1"));
        System.out.println("CHECK second=" + books.book("2") + "|" + books.book("2"));
        System.out.println("CHECK runs=" + Books.RUNS.get());
        System.out.println("CHECK title=" + books.title("1"));
        System.out.println("DONE");
        System.in.read();
    }
}
