package app;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Calls each method while the quote service is down, then twice once it is up, and prints what each caller got
 * ({@code CHECK name=value}), then {@code DONE}; with the argument {@code hold}, it then waits for its input to end.
 */
public class QuotesMain {

    private static void report(String name, Object value) {
        System.out.println("CHECK " + name + "=" + value);
    }

    /** The future's class, and its value or {@code failed:<exception class>:<message>}. */
    private static String outcome(CompletableFuture<String> future) throws InterruptedException {
        String kind = future.getClass().getSimpleName() + ":";
        try {
            return kind + future.get();
        } catch (ExecutionException e) {
            return kind + "failed:" + e.getCause().getClass().getSimpleName() + ":" + e.getCause().getMessage();
        }
    }

    public static void main(String[] args) throws Exception {
        Quotes quotes = new Quotes();
        report("own.down", outcome(quotes.own("ACME")));
        report("plain.down", outcome(quotes.plain("ACME")));
        Quotes.down = false;
        report("own.up", outcome(quotes.own("ACME")));
        report("own.again", outcome(quotes.own("ACME")));
        report("own.runs", Quotes.OWN_RUNS.get());
        report("plain.up", outcome(quotes.plain("ACME")));
        report("plain.again", outcome(quotes.plain("ACME")));
        report("plain.runs", Quotes.PLAIN_RUNS.get());
        System.out.println("DONE");
        if (args.length > 0 && args[0].equals("hold")) {
            System.in.read();
        }
    }
}
