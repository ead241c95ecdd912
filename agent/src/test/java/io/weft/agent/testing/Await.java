package io.weft.agent.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition by polling it until a deadline, instead of sleeping a fixed time. */
public final class Await {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private Await() {
    }

    /** Polls {@code condition} until it holds, failing after 10 s with {@code what} in the message. */
    public static void until(String what, BooleanSupplier condition) {
        until(DEFAULT_TIMEOUT, what, condition);
    }

    /** Polls {@code condition} every few milliseconds until it holds, failing after {@code timeout}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }
}
