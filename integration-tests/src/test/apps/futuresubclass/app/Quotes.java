package app;

import io.weft.annotations.CacheResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The same remote quote, declared as the application's own future class and as a CompletableFuture. */
public class Quotes {

    static final AtomicInteger OWN_RUNS = new AtomicInteger();
    static final AtomicInteger PLAIN_RUNS = new AtomicInteger();
    /** Whether the quote service is down: the futures the methods return fail. */
    static volatile boolean down = true;

    @CacheResult(key = "fs:own:{symbol}")
    public QuoteFuture<String> own(String symbol) {
        OWN_RUNS.incrementAndGet();
        return quote(new QuoteFuture<>(), symbol);
    }

    @CacheResult(key = "fs:plain:{symbol}")
    public CompletableFuture<String> plain(String symbol) {
        PLAIN_RUNS.incrementAndGet();
        return quote(new QuoteFuture<>(), symbol);
    }

    private static <F extends CompletableFuture<String>> F quote(F future, String symbol) {
        if (down) {
            future.completeExceptionally(new IllegalStateException("the quote service is down"));
        } else {
            future.complete(symbol + "=42");
        }
        return future;
    }
}
