package io.weft.agent.log;

/**
 * A failure as Weft's log names it when it may come from the application's code (a getter in a key template, a
 * listener): its class and the frame that threw it, never its message, which may quote the application's data (a
 * getter's {@code "no access to 123-45-6789"}); cached values and keys stay out of logs (SPEC §8).
 */
public final class ThrownAt {

    private ThrownAt() {
    }

    /** {@code java.lang.IllegalStateException at com.acme.User.getSsn(User.java:12)}, or the class alone. */
    public static String of(Throwable failure) {
        StackTraceElement[] frames = failure.getStackTrace();
        return frames.length == 0 ? failure.getClass().getName() : failure.getClass().getName() + " at " + frames[0];
    }
}
