package io.weft.agent.cache;

import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.keys.KeyScope;
import io.weft.agent.keys.PassedArguments;
import io.weft.agent.keys.UnboxedArgument;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A woven {@code @CacheResult} method: its cache, key, TTL and result shape, bound at weave time. */
public final class CachedMethod {

    private final DeclaredMethod declared;
    /** Per parameter, how a call that passes them one by one passes it unboxed, or {@code null}: boxed. */
    private final UnboxedArgument[] unboxed;
    private final NamedCache cache;
    private final KeyRenderer key;
    private final KeyScope scope;
    private final long ttlMillis;
    private final long l1TtlNanos;
    private final boolean cacheNull;
    private final boolean usesL1;
    private final ResultShape shape;
    private final Invalidation invalidation;
    private final List<KeyRenderer> tags;
    private final boolean sliding;
    private final long staleIfErrorMillis;
    private final long refreshAfterNanos;
    private volatile boolean valuesInL1Only;

    /**
     * @param ttlMillis the entry's life in Redis
     * @param l1TtlNanos the entry's life in L1: the TTL capped by {@code weft.l1.ttl}
     * @param scope the scope of the class loader that defined the method: its L1 keys are never equal to another loader's
     * @param usesL1 whether entries are kept in L1 ({@code weft.cache.<name>.l1}); without, every call goes to L2
     * @param invalidation what the method also evicts when its body runs, or {@code null}
     * @param tags the templates of the tags its entries carry ({@code @CacheResult(tags)})
     * @param sliding whether a hit renews the entry's TTL ({@code @CacheResult(sliding = true)})
     * @param staleIfErrorMillis how long after its TTL an entry may stand in for a failure ({@code staleIfError}); 0: never
     */
    public CachedMethod(DeclaredMethod declared, NamedCache cache, KeyRenderer key, KeyScope scope, long ttlMillis,
            long l1TtlNanos, boolean cacheNull, boolean usesL1, ResultShape shape, Invalidation invalidation,
            List<KeyRenderer> tags, boolean sliding, long staleIfErrorMillis) {
        this(declared, cache, key, scope, ttlMillis, l1TtlNanos, cacheNull, usesL1, shape, invalidation, tags, sliding,
                staleIfErrorMillis, 0);
    }

    /**
     * As above, with {@code refreshAfterMillis}: how old an entry gets before a hit reloads it in the background
     * ({@code refreshAfter}); 0: never.
     */
    public CachedMethod(DeclaredMethod declared, NamedCache cache, KeyRenderer key, KeyScope scope, long ttlMillis,
            long l1TtlNanos, boolean cacheNull, boolean usesL1, ResultShape shape, Invalidation invalidation,
            List<KeyRenderer> tags, boolean sliding, long staleIfErrorMillis, long refreshAfterMillis) {
        this.declared = declared;
        this.unboxed = new UnboxedArgument[declared.parameterTypes().size()];
        for (int i = 0; i < unboxed.length; i++) {
            unboxed[i] = UnboxedArgument.of(declared.parameterTypes().get(i));
        }
        this.cache = cache;
        this.key = key;
        this.scope = scope;
        this.ttlMillis = ttlMillis;
        this.l1TtlNanos = l1TtlNanos;
        this.cacheNull = cacheNull;
        this.usesL1 = usesL1;
        this.shape = shape;
        this.invalidation = invalidation;
        this.tags = List.copyOf(tags);
        this.sliding = sliding;
        this.staleIfErrorMillis = staleIfErrorMillis;
        this.refreshAfterNanos = TimeUnit.MILLISECONDS.toNanos(refreshAfterMillis);
    }

    public DeclaredMethod declared() {
        return declared;
    }

    public NamedCache cache() {
        return cache;
    }

    /**
     * The arguments of a call that passed them one by one ({@link PassedArguments}), as an array: the object slots, or
     * for a parameter passed unboxed ({@link UnboxedArgument}), its {@code long} slot boxed.
     */
    Object[] arguments(Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, long n0, long n1, long n2,
            long n3, long n4, long n5) {
        Object[] args = new Object[unboxed.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = unboxed[i] == null ? PassedArguments.object(i, a0, a1, a2, a3, a4, a5)
                    : unboxed[i].box(PassedArguments.bits(i, n0, n1, n2, n3, n4, n5));
        }
        return args;
    }

    KeyRenderer key() {
        return key;
    }

    KeyScope scope() {
        return scope;
    }

    long ttlMillis() {
        return ttlMillis;
    }

    long l1TtlNanos() {
        return l1TtlNanos;
    }

    boolean cacheNull() {
        return cacheNull;
    }

    boolean usesL1() {
        return usesL1;
    }

    /**
     * Keeps its values out of the shared level: their declared type names a type variable ({@code T find(…)} of a
     * {@code Repo<T>}) or is {@code Object}, which the shared level could not read them back as (its bound:
     * {@code LinkedHashMap}s for {@code Object}), not the class a caller expects. Called when the method is planned,
     * before it is registered.
     */
    public void keepValuesInL1() {
        valuesInL1Only = true;
    }

    /** Whether its values are written to and read from the shared level ({@link #keepValuesInL1}). */
    boolean sharesValues() {
        return !valuesInL1Only;
    }

    ResultShape shape() {
        return shape;
    }

    Invalidation invalidation() {
        return invalidation;
    }

    /** Whether every hit renews the entry's TTL ({@code sliding}). */
    public boolean sliding() {
        return sliding;
    }

    /** How long after its TTL an entry may stand in for a failure; 0: never. */
    public long staleIfErrorMillis() {
        return staleIfErrorMillis;
    }

    /** Whether a hit on an entry older than {@code refreshAfter} reloads it in the background. */
    public boolean refreshes() {
        return refreshAfterNanos > 0;
    }

    /**
     * Whether its calls hand their receiver over: Weft may call the method on it later, on a thread of its own (a
     * {@code refreshAfter} reload; the body run of a future-returning call whose wait for another instance's load
     * got no value).
     */
    public boolean handsReceiver() {
        return refreshes() || shape == ResultShape.FUTURE;
    }

    /** How old an entry gets before a hit reloads it ({@code refreshAfter}); 0: never. */
    long refreshAfterNanos() {
        return refreshAfterNanos;
    }

    /**
     * How long from now an entry read from Redis with {@code remainingMillis} of its life left there is due for a
     * reload ({@code refreshAfter}): it is as old as its TTL there minus what is left (a key without a TTL, as new).
     */
    long refreshDueInNanos(long remainingMillis) {
        long ageNanos = remainingMillis < 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(redisTtlMillis() - remainingMillis);
        return refreshAfterNanos - ageNanos;
    }

    /** A sliding entry's TTL: the method's whole TTL (Caffeine still ends an L1 entry {@code weft.l1.ttl} after its write). */
    long slidingTtlNanos() {
        return TimeUnit.MILLISECONDS.toNanos(ttlMillis);
    }

    /** How long Redis keeps an entry: its TTL, and the time it may stand in for a failure after that. */
    long redisTtlMillis() {
        return ttlMillis + staleIfErrorMillis;
    }

    /**
     * Whether a warm start may fill its entries from Redis ({@code weft.warm}): entries of the L1 that are the
     * value and its TTL only (no tags to index, no sliding or stale-if-error deadlines).
     */
    boolean warmable() {
        return usesL1 && tags.isEmpty() && !sliding && staleIfErrorMillis == 0;
    }

    /** The tags of the entry of one call, rendered from its arguments; {@code null} when the method has none. */
    List<String> tags(Object[] args) {
        return tags.isEmpty() ? null : KeyRenderer.renderAll(tags, args, null);
    }
}
