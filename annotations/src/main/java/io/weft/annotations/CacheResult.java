package io.weft.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the result of the annotated method under a key rendered from its arguments.
 * On a hit the method is not invoked; on a miss it runs once (per key and JVM, however many
 * callers arrive together) and its result is stored in the local cache and, when Redis is
 * configured, in the shared one. Exceptions are never cached.
 *
 * <pre>{@code
 * @CacheResult(key = "storybook:books:{userId}", ttl = "5m")
 * public List<Book> getBooks(UUID userId) { ... }
 * }</pre>
 *
 * <p>The Weft agent weaves the method when its class loads; without the agent this annotation
 * does nothing.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CacheResult {

    /**
     * Template of the whole cache key: literal text with {@code {name}}, {@code {0}} or
     * {@code {name.property}} placeholders; {@code {{} and {@code }}} are literal braces.
     */
    String key();

    /**
     * Time to live: {@code "300"} (seconds), {@code "300s"}, {@code "5m"}, {@code "1h"},
     * {@code "1d"} or ISO-8601 {@code "PT5M"}; empty means the configured default ({@code weft.ttl}).
     */
    String ttl() default "";

    /** Whether a {@code null} or empty {@code Optional} result is cached (negative caching). */
    boolean cacheNull() default false;

    /**
     * The cache's name for configuration and metrics. Empty means the literal text of
     * {@link #key()} before its first {@code {}, without a trailing {@code :}
     * ({@code storybook:books}), also when that brace is an escaped one ({@code session:{{{id}}}}
     * is {@code session}); a key that starts with a brace (of a placeholder or not) defaults to
     * {@code SimpleClassName.method}.
     */
    String name() default "";

    /**
     * How old an entry may get before a hit also reloads it in the background: the hit returns the entry at once,
     * and one reload of the key (one across all instances sharing Redis) replaces it, so that callers of a key in
     * use never wait for its load. Same forms as {@link #ttl()}, shorter than the TTL; empty means never.
     */
    String refreshAfter() default "";

    /**
     * Whether every hit renews the entry's TTL, in this JVM's L1 and in Redis (there at most once per key per
     * tenth of the TTL, without waiting): an entry used more often than its TTL never expires, an idle one does
     * (sessions).
     */
    boolean sliding() default false;

    /**
     * How long after its TTL an entry may still stand in for a failure: when the method throws and the key's
     * value expired less than this ago, that value is returned instead and the failure is logged and counted.
     * Same forms as {@link #ttl()}; empty means never.
     */
    String staleIfError() default "";

    /**
     * Tag templates, rendered from the arguments like {@link #key()} ({@code "user:{userId}"}): an
     * {@link InvalidateCache#tags()} naming one of the rendered tags evicts the entry.
     */
    String[] tags() default {};
}
