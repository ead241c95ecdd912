package io.weft.agent.weaving;

import io.weft.agent.cache.CacheSystem;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.store.Background;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Builds the weaving transformer the first time a candidate class appears: injects the bootstrap
 * dispatcher, starts the cache runtime and creates the {@link TypeWeaver}. Until then none of it is loaded.
 */
public final class Weaving {

    private Weaving() {
    }

    /**
     * Creates the transformer; {@code CandidateFilter} calls it once.
     *
     * @param systemCreated told about the cache system as soon as it exists
     */
    public static ClassFileTransformer create(WeftConfig config, Instrumentation instrumentation,
            Consumer<CacheSystem> systemCreated) {
        try {
            BootstrapInjector.inject(instrumentation);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the Weft dispatcher to the bootstrap class loader", e);
        }
        // CacheSystem, not this class, names the dispatcher types: verifying Weaving resolves none of them early.
        // the first woven class may be an application's, loaded on its thread: the runtime's threads keep nothing of it
        // a class, not a lambda, as everything on the way to the first woven call (design.md §1)
        CacheSystem system = Background.asWeft(new Supplier<CacheSystem>() {
            @Override
            public CacheSystem get() {
                return CacheSystem.start(config);
            }
        });
        systemCreated.accept(system);
        MethodPlanner planner = new MethodPlanner(config, system.methods(), system.caches(), system.scopes());
        return new TypeWeaver(planner, new ConfigurationErrors(config.strict()), new ModuleOpener(instrumentation));
    }
}
