package io.weft.agent.store;

/**
 * A value that {@link ValueCodec} will not put in Redis: it cannot be written as JSON, or its JSON is
 * larger than the bound. The caller keeps the value in L1 only and warns once per method (SPEC §7).
 */
public final class UnstorableValueException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the value is not stored. */
    public enum Reason {
        /** Jackson cannot write it (no properties, a cycle, a failing getter …), or its JSON would lose fields. */
        UNSERIALIZABLE,
        /** Its JSON is larger than the configured bound. */
        TOO_LARGE
    }

    private final Reason reason;

    UnstorableValueException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
