package io.weft.agent.weaving;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.CacheRuntime;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.cache.RedisConnector;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.log.WeftLog;

/**
 * Starts the cache runtime and installs it behind the dispatcher. Kept apart from
 * {@link Weaving} so that verifying {@code Weaving} never resolves a bootstrap class before
 * {@link BootstrapInjector} has put it on the bootstrap class loader.
 */
final class RuntimeInstaller {

    private RuntimeInstaller() {
    }

    /**
     * Installs a runtime for {@code table}; with {@code weft.redis.uri} set, connects it to Redis from a
     * daemon thread, so that no class is loaded and no connection is opened on the thread being woven.
     */
    static CacheRuntime install(WeftConfig config, MethodTable table) {
        if (Dispatch.class.getClassLoader() != null) {
            throw new IllegalStateException("the Weft dispatcher was loaded by " + Dispatch.class.getClassLoader()
                    + " instead of the bootstrap class loader");
        }
        CacheRuntime runtime = new CacheRuntime(table, config.l1MaxSize());
        Dispatch.install(runtime);
        if (config.redisUri() != null) {
            runtime.connecting(config.redisTimeout());
            Thread connecting = new Thread(() -> {
                try {
                    RedisConnector.connect(runtime, config);
                } catch (Throwable t) {
                    runtime.connectionAbandoned();
                    WeftLog.error("cannot use Redis (" + t.getMessage() + "); caching goes on in L1 only");
                }
            }, "weft-redis-connect");
            connecting.setDaemon(true);
            connecting.start();
        }
        return runtime;
    }
}
