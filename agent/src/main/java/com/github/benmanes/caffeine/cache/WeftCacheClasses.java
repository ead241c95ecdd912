package com.github.benmanes.caffeine.cache;

/**
 * The classes of Weft's L1 cache, handed to Caffeine before the first one is built (Weft's {@code LocalCache}). Caffeine
 * finds the class of a configuration by its name, through a method handle and a var handle (and a string
 * concatenation bootstrapped for it), the first of each in the JVM; at a JVM's start that took about 15 ms of the
 * agent's. Its factories' maps take a factory by that name, so Weft's one configuration (strong keys and values, a
 * maximum size, expiry after write: {@code SSMSW} and its nodes {@code PSWMS}) is registered there as plain
 * constructors; any other configuration is looked up by Caffeine as before. Compiled in Caffeine's package and
 * relocated with it ({@code io.weft.shaded.caffeine.cache}) to reach those package-private classes.
 */
public final class WeftCacheClasses {

    /** {@link LocalCacheFactory#getClassName} of Weft's configuration. */
    public static final String CACHE = "SSMSW";
    /** {@link NodeFactory#getClassName} of its entries. */
    public static final String NODE = "PSWMS";

    private WeftCacheClasses() {
    }

    /** Registers the factories (again, if Caffeine or an earlier call did). */
    public static void register() {
        LocalCacheFactory.FACTORIES.put(CACHE, new BoundedCache());
        NodeFactory.FACTORIES.put(NODE, new PSWMS<>());
    }

    private static final class BoundedCache implements LocalCacheFactory {
        @Override
        public <K, V> BoundedLocalCache<K, V> newInstance(Caffeine<K, V> builder,
                AsyncCacheLoader<? super K, V> cacheLoader, boolean async) {
            return new SSMSW<>(builder, cacheLoader, async);
        }
    }
}
