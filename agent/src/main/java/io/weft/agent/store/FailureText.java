package io.weft.agent.store;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** How a failed Redis call reads in the log: the cause, unwrapped from the future that carried it. */
public final class FailureText {

    private FailureText() {
    }

    /**
     * The failure's class and message, or "no reply within the timeout", and the error reply of Redis that
     * caused it when the message does not quote it (a connection refused by a Sentinel's {@code WRONGPASS}).
     * Lettuce names an address it did not resolve {@code host/<unresolved>:port}; that reads {@code host:port} here.
     */
    public static String of(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return "no reply within the timeout";
        }
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.replace("/<unresolved>", ""));
        String reply = ErrorReason.reply(cause);
        return reply == null || text.contains(reply) ? text : text + " (" + reply + ")";
    }
}
