package io.weft.agent.events;

/** A stream entry that is not an event of the shape of SPEC §6; the reader skips and counts it. */
public final class MalformedEventException extends Exception {

    private static final long serialVersionUID = 1L;

    MalformedEventException(String message) {
        super(message);
    }
}
