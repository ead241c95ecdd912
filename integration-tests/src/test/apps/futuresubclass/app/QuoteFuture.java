package app;

import java.util.concurrent.CompletableFuture;

/** A future class of the application's own, which makes its dependents of its class (as the JDK advises). */
public class QuoteFuture<T> extends CompletableFuture<T> {

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new QuoteFuture<>();
    }
}
