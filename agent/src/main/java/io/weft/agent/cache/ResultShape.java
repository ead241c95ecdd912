package io.weft.agent.cache;

import io.weft.agent.bootstrap.Hit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** How a method's declared return type wraps the value that is cached. */
public enum ResultShape {

    /** The value itself. */
    PLAIN {
        @Override
        Object unwrap(Object result) {
            return result;
        }

        @Override
        Hit hit(CacheEntry entry) {
            return entry;
        }
    },

    /** {@code Optional<T>}: the content is cached, an empty Optional as {@code null}. */
    OPTIONAL {
        @Override
        Object unwrap(Object result) {
            return result == null ? null : ((Optional<?>) result).orElse(null);
        }

        @Override
        Hit hit(CacheEntry entry) {
            return new Hit(Optional.ofNullable(entry.value()));
        }
    },

    /** {@code CompletableFuture<T>} or {@code CompletionStage<T>}: the completed value is cached. */
    FUTURE {
        @Override
        Object unwrap(Object result) {
            throw new UnsupportedOperationException("futures complete asynchronously");
        }

        @Override
        Hit hit(CacheEntry entry) {
            return new Hit(CompletableFuture.completedFuture(entry.value()));
        }
    },

    /**
     * A batch method's {@code Map<E, V>} (SPEC §13): each element's {@code V} is an entry of its own, stored and read
     * as that type; the map itself is merged by the runtime, never cached.
     */
    BATCH {
        @Override
        Object unwrap(Object result) {
            throw new UnsupportedOperationException("a batch method's map is merged, not cached");
        }

        @Override
        Hit hit(CacheEntry entry) {
            throw new UnsupportedOperationException("a batch method's map is merged, not cached");
        }
    };

    abstract Object unwrap(Object result);

    /** What woven code returns for a cached entry. */
    abstract Hit hit(CacheEntry entry);

    /** The shape of a declared return type, by its erased binary name. */
    public static ResultShape of(String erasedReturnType) {
        switch (erasedReturnType) {
            case "java.util.Optional":
                return OPTIONAL;
            case "java.util.concurrent.CompletableFuture":
            case "java.util.concurrent.CompletionStage":
                return FUTURE;
            default:
                return PLAIN;
        }
    }
}
