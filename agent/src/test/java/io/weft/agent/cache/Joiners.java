package io.weft.agent.cache;

import io.weft.agent.bootstrap.Handler;
import io.weft.agent.testing.Await;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Calls that join a load on threads of their own, for single-flight tests. */
final class Joiners {

    private Joiners() {
    }

    /** Enters {@code id} with {@code arg} on a new daemon thread; completes with what the entry returned. */
    static CompletableFuture<Object> enter(Handler runtime, int id, String arg) {
        return onThread(() -> runtime.enterCached(id, new Object[] {arg}));
    }

    /** Makes {@code call} (an entry) on a new daemon thread; completes with what it returned. */
    static CompletableFuture<Object> onThread(Supplier<Object> call) {
        CompletableFuture<Object> token = new CompletableFuture<>();
        Thread thread = new Thread(() -> token.complete(call.get()), "joiner");
        thread.setDaemon(true);
        thread.start();
        return token;
    }

    /** Waits until {@code calls} threads are parked waiting for a load (a condition, not a fixed sleep). */
    static void awaitParked(int calls) {
        Await.until(calls + " callers wait for the load", () -> parked() >= calls);
    }

    private static long parked() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getState() == Thread.State.TIMED_WAITING
                        || e.getKey().getState() == Thread.State.WAITING)
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("await")
                        && f.getClassName().equals(Load.class.getName())))
                .count();
    }
}
