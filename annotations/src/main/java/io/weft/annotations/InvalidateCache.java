package io.weft.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Evicts cache entries when the annotated method returns successfully (or before it runs, with
 * {@link #beforeInvocation()}), in this JVM and in Redis, and publishes an event so that every
 * other instance evicts the same entries from its local cache.
 *
 * <pre>{@code
 * @InvalidateCache(keys = {"storybook:book:{bookId}", "storybook:books:{userId}"}, event = "book.updated")
 * public void updateBook(UUID bookId, UUID userId, BookPatch patch) { ... }
 * }</pre>
 *
 * <p>The Weft agent weaves the method when its class loads; without the agent this annotation
 * does nothing.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface InvalidateCache {

    /** Key templates to evict; after the call they may use {@code {return}} and {@code {return.property}}. */
    String[] keys() default {};

    /** Evict every entry whose key starts with one of these rendered prefixes, e.g. {@code "storybook:books:"}. */
    String[] prefixes() default {};

    /**
     * Evict every entry tagged with one of these rendered tags ({@link CacheResult#tags()}); like
     * {@link #keys()}, they may use {@code {return}} after the call.
     */
    String[] tags() default {};

    /** Evict before the method runs instead of after its successful return. */
    boolean beforeInvocation() default false;

    /** The event type published for other instances and services. */
    String event() default "cache.invalidated";
}
