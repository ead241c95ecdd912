package io.weft.agent.ops;

import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.CacheRuntime;
import io.weft.agent.cache.LoaderScopes;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** Caches with counters, and an {@link Ops} over them, without weaving or a dispatcher. */
final class OpsFixture {

    final CacheRegistry caches = new CacheRegistry();
    final CacheRuntime runtime = new CacheRuntime(new MethodTable(), new LoaderScopes(), 100,
            java.util.concurrent.TimeUnit.MINUTES.toNanos(1), java.time.Duration.ofSeconds(5),
            com.github.benmanes.caffeine.cache.Ticker.systemTicker(), com.github.benmanes.caffeine.cache.Ticker.systemTicker());
    final Snapshot.Parts parts = new Snapshot.Parts(caches, runtime, new MethodTable(), () -> null);

    static WeftConfig config(String... pairs) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            properties.put(pairs[i], pairs[i + 1]);
        }
        return new WeftConfig(ConfigSources.of(properties, Map.of()));
    }

    Ops ops(WeftConfig config) {
        Ops ops = Ops.create(config);
        ops.use(parts);
        return ops;
    }
}
