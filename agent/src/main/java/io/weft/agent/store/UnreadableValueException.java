package io.weft.agent.store;

/**
 * Bytes from Redis that {@link ValueCodec} cannot read as the method's return type, usually because the
 * class changed since the value was written. The caller treats it as a miss, deletes the entry and
 * counts it (SPEC §7).
 */
public final class UnreadableValueException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnreadableValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
