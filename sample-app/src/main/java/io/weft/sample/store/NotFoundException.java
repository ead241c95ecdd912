package io.weft.sample.store;

/** The requested user or book does not exist (or not for this user). */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
