package io.weft.agent.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The future a caller that ran a load gets in place of the body's own (SPEC §5, §7): the load stores, and its joiners
 * follow, only the body's future, which no caller holds, so that what a caller does to the future it got
 * ({@code complete}, {@code completeOnTimeout}, {@code orTimeout}, {@code obtrudeValue}, {@code cancel}) concerns only
 * that caller, as it would without the agent. A joiner's future is its own too, and fails with the same exception
 * object ({@link #following}).
 */
final class CallersFuture {

    /** {@code CompletableFuture.minimalCompletionStage()}'s class: read-only (its mutators throw), shared as it is. */
    private static final String MINIMAL_STAGE = "java.util.concurrent.CompletableFuture$MinimalStage";

    private CallersFuture() {
    }

    /**
     * A future of the caller's own that completes as {@code body} does: with the same value, or the same exception
     * object (not wrapped, as {@link CompletableFuture#copy} would wrap it, so that {@code exceptionally} and
     * {@code handle} see what they would see on {@code body}). It is {@code body.newIncompleteFuture()}, of
     * {@code body}'s class when that class makes its own. {@code body} itself when it is no {@link CompletableFuture}
     * (another {@code CompletionStage}, which has no mutators) or a read-only minimal stage.
     */
    static Object of(Object body) {
        return completable(body) ? following((CompletableFuture<?>) body, incompleteLike(body), null) : body;
    }

    /**
     * {@code own}, completed as {@code source} completes: with {@code value} of its value ({@code null}: the value
     * itself), or with the same exception object ({@code thenApply} would wrap it in a
     * {@link java.util.concurrent.CompletionException}, which {@code exceptionally} and {@code handle} would then see
     * instead).
     */
    static <T> CompletableFuture<Object> following(CompletionStage<T> source, CompletableFuture<Object> own,
            Function<? super T, Object> value) {
        source.whenComplete(new Follower<>(own, value));
        return own;
    }

    /** Completes a caller's future as its source completes (a class, not a lambda: made on a first call's way). */
    private static final class Follower<T> implements BiConsumer<T, Throwable> {

        private final CompletableFuture<Object> own;
        private final Function<? super T, Object> value;

        Follower(CompletableFuture<Object> own, Function<? super T, Object> value) {
            this.own = own;
            this.value = value;
        }

        @Override
        public void accept(T result, Throwable failure) {
            if (failure == null) {
                own.complete(value == null ? result : value.apply(result));
            } else {
                own.completeExceptionally(failure);
            }
        }
    }

    /**
     * A new incomplete future to hand a caller in place of {@code body}: {@code body.newIncompleteFuture()} when the
     * caller may complete {@code body}'s kind, a plain {@link CompletableFuture} otherwise (the method then declares
     * {@code CompletionStage}, which a {@code CompletableFuture} is).
     */
    static CompletableFuture<Object> incompleteLike(Object body) {
        return completable(body) ? ((CompletableFuture<?>) body).newIncompleteFuture() : new CompletableFuture<>();
    }

    /** Whether {@code body} is a future its holder can complete: a {@code CompletableFuture}, not a minimal stage. */
    private static boolean completable(Object body) {
        return body instanceof CompletableFuture && !body.getClass().getName().equals(MINIMAL_STAGE);
    }
}
