package io.weft.agent.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.log.WeftLog;
import io.weft.agent.store.Background;
import io.weft.agent.store.RedisProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private volatile SharedConnector shared;
    private final AtomicBoolean unusedSettingsChecked = new AtomicBoolean();

    private CacheSystem(WeftConfig config) {
        this.config = config;
        this.runtime = new CacheRuntime(methods, scopes, config.l1MaxSize(), config.l1Ttl().toNanos(), config.loadMaxWait(),
                Ticker.systemTicker(), CoarseTicker.start());
    }

    /**
     * Creates the system and installs its runtime behind the dispatcher; with {@code weft.redis.uri} or
     * {@code weft.store.uri} set, connects it to Redis or PostgreSQL from a daemon thread, so that no connection is opened and no client
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
        // Always, even without per-cache settings to check: the JDK's delay scheduler (orTimeout, delayedExecutor:
        // RedisStore's command timeouts, Caffeine's expiry) is one thread per JVM, made by the first thread that uses it
        // and keeping that thread's context loader for good. Made here, as Weft's own code (Background.asWeft), it is
        // not made later on a web application's request thread, which would pin that application (SPEC §10).
        CompletableFuture.delayedExecutor(UNUSED_SETTINGS_DELAY.toMillis(), TimeUnit.MILLISECONDS)
                .execute(system.new UnusedSettingsCheck());
        if (!config.cacheNamesInSettings().isEmpty()) {
            // a run shorter than the delay is told at its exit (SPEC §4: typos must not pass silently)
            Runtime.getRuntime().addShutdownHook(Background.daemon(system.new UnusedSettingsCheck(),
                    "weft-settings-check"));
        }
        if (config.redisUri() != null) {
            // asked beside the connection, which registers at once the exit hook that sends invalidations made meanwhile
            CompletableFuture<Boolean> answers = new CompletableFuture<>();
            system.runtime.connecting(config.redisTimeout(), answers);
            Background.daemon(new Runnable() {
                @Override
                public void run() {
                    answers.complete(RedisProbe.answers(config.redisUri(), config.redisCluster(), config.redisTimeout()));
                }
            }, "weft-redis-probe").start();
            Background.daemon(system.new SharedConnect(), "weft-redis-connect").start();
        } else if (config.storeUri() != null) {
            system.runtime.connecting(config.storeTimeout());
            Background.daemon(system.new SharedConnect(), "weft-store-connect").start();
        }
        return system;
    }

    /**
     * {@link #warnAboutUnusedCacheSettings} as a task. This class and {@link SharedConnect} are classes, not lambdas:
     * they are made on the way to the first woven call, where each lambda costs a class spun at run time.
     */
    private final class UnusedSettingsCheck implements Runnable {
        @Override
        public void run() {
            warnAboutUnusedCacheSettings();
        }
    }

    /** {@link #connectShared} as a task. */
    private final class SharedConnect implements Runnable {
        @Override
        public void run() {
            connectShared();
        }
    }

    /** How long after the first woven class a per-cache setting that names no cache is reported. */
    static final Duration UNUSED_SETTINGS_DELAY = Duration.ofSeconds(30);

    /**
     * Warns, once (30 s after the first woven class, or at exit if sooner), about per-cache settings that name no
     * cache woven so far (a typo must not pass silently).
     */
    private void warnAboutUnusedCacheSettings() {
        if (!unusedSettingsChecked.compareAndSet(false, true)) {
            return;
        }
        for (String problem : unusedCacheSettings(config, caches)) {
            WeftLog.warn(problem);
        }
    }

    /**
     * The per-cache settings that name no cache of {@code caches} (neither woven nor named by a method left unwoven),
     * each as a message.
     */
    static List<String> unusedCacheSettings(WeftConfig config, CacheRegistry caches) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> setting : config.cacheNamesInSettings().entrySet()) {
            if (!caches.isNamed(setting.getValue())) {
                List<String> known = new ArrayList<>();
                caches.caches().forEach(cache -> known.add(cache.name()));
                problems.add(setting.getKey() + " names no cache: no woven method uses the cache '" + setting.getValue()
                        + "' (caches so far: " + (known.isEmpty() ? "none" : String.join(", ", known))
                        + "); check its spelling");
            }
        }
        return problems;
    }

    private void connectShared() {
        try {
            shared = SharedLevels.connect(runtime, config);
        } catch (Throwable t) {
            runtime.connectionAbandoned();
            WeftLog.error("cannot use " + (config.redisUri() != null ? "Redis" : "PostgreSQL") + " (" + t.getMessage()
                    + "); caching goes on in L1 only");
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

    /**
     * The shared level (Redis or PostgreSQL), once connected; {@code null} without {@code weft.redis.uri} or
     * {@code weft.store.uri}, or before the connection is set up.
     */
    public SharedConnector shared() {
        return shared;
    }
}
