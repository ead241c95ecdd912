package io.weft.agent.store;

/**
 * Bytes from Redis that {@link ValueCodec} cannot read as the method's return type, usually because the
 * class changed since the value was written. The caller treats it as a miss, deletes the entry and
 * counts it (SPEC §7).
 *
 * <p>Its message names the type, the failure's class and where in the JSON it happened, never the data; the
 * failure itself, whose message quotes the data, is not kept as the cause (only its stack trace is), so that no
 * caller logging this exception can print a cached value.
 */
public final class UnreadableValueException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what failed, without data; {@code failure} lends its stack trace only */
    UnreadableValueException(String message, Throwable failure) {
        super(message);
        setStackTrace(failure.getStackTrace());
    }
}
