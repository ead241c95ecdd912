package io.weft.agent.weaving;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.cache.CacheRuntime;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.config.WeftConfig;

/**
 * Starts the cache runtime and installs it behind the dispatcher. Kept apart from
 * {@link Weaving} so that verifying {@code Weaving} never resolves a bootstrap class before
 * {@link BootstrapInjector} has put it on the bootstrap class loader.
 */
final class RuntimeInstaller {

    private RuntimeInstaller() {
    }

    static MethodTable install(WeftConfig config) {
        if (Dispatch.class.getClassLoader() != null) {
            throw new IllegalStateException("the Weft dispatcher was loaded by " + Dispatch.class.getClassLoader()
                    + " instead of the bootstrap class loader");
        }
        MethodTable table = new MethodTable();
        Dispatch.install(new CacheRuntime(table, config.l1MaxSize()));
        return table;
    }
}
