package io.weft.agent.cache;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.log.WeftLog;

/**
 * The caches of this JVM: the woven methods, the named caches with their switches and statistics,
 * the runtime behind the dispatcher and, once connected, Redis. Created when the first class that
 * uses a Weft annotation is woven; operations (metrics, health, switches) read it from here.
 */
public final class CacheSystem {

    private final WeftConfig config;
    private final MethodTable methods = new MethodTable();
    private final CacheRegistry caches = new CacheRegistry();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRuntime runtime;
    private volatile RedisConnector redis;

    private CacheSystem(WeftConfig config) {
        this.config = config;
        this.runtime = new CacheRuntime(methods, scopes, config.l1MaxSize(), config.l1Ttl().toNanos(), config.loadMaxWait());
    }

    /**
     * Creates the system and installs its runtime behind the dispatcher; with {@code weft.redis.uri}
     * set, connects it to Redis from a daemon thread, so that no connection is opened and no client
     * class is loaded on the thread whose class is being woven.
     *
     * @throws IllegalStateException when the dispatcher is not on the bootstrap class loader
     */
    public static CacheSystem start(WeftConfig config) {
        if (Dispatch.class.getClassLoader() != null) {
            throw new IllegalStateException("the Weft dispatcher was loaded by " + Dispatch.class.getClassLoader()
                    + " instead of the bootstrap class loader");
        }
        CacheSystem system = new CacheSystem(config);
        Dispatch.install(system.runtime);
        if (config.redisUri() != null) {
            system.runtime.connecting(config.redisTimeout());
            Thread connecting = new Thread(system::connectRedis, "weft-redis-connect");
            connecting.setDaemon(true);
            connecting.start();
        }
        return system;
    }

    private void connectRedis() {
        try {
            redis = RedisConnector.connect(runtime, config);
        } catch (Throwable t) {
            runtime.connectionAbandoned();
            WeftLog.error("cannot use Redis (" + t.getMessage() + "); caching goes on in L1 only");
        }
    }

    public WeftConfig config() {
        return config;
    }

    public MethodTable methods() {
        return methods;
    }

    public CacheRegistry caches() {
        return caches;
    }

    /** The key scopes of the class loaders whose methods are woven. */
    public LoaderScopes scopes() {
        return scopes;
    }

    public CacheRuntime runtime() {
        return runtime;
    }

    /** Redis, once connected; {@code null} without {@code weft.redis.uri} or before the connection is set up. */
    public RedisConnector redis() {
        return redis;
    }
}
