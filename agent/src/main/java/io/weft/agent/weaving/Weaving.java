package io.weft.agent.weaving;

import io.weft.agent.cache.CacheSystem;
import io.weft.agent.config.WeftConfig;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.function.Consumer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Builds the weaving transformer the first time a candidate class appears: injects the bootstrap
 * dispatcher, starts the cache runtime and configures Byte Buddy. Until then none of it is loaded.
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
        CacheSystem system = CacheSystem.start(config);
        systemCreated.accept(system);
        MethodPlanner planner = new MethodPlanner(config, system.methods(), system.caches());
        TypeWeaver weaver = new TypeWeaver(planner, new ConfigurationErrors(config.strict()));
        // Advice needs no loaded type initializers; without this Byte Buddy probes Unsafe, which Java 24+ warns about.
        System.setProperty(Nexus.PROPERTY, "true");
        return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.PoolStrategy.Default.EXTENDED)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(new ErrorListener())
                .ignore(ElementMatchers.none())
                .type(ElementMatchers.declaresMethod(ElementMatchers.isAnnotatedWith(
                        ElementMatchers.named(MethodPlanner.CACHE_RESULT)
                                .or(ElementMatchers.named(MethodPlanner.INVALIDATE_CACHE)))))
                .transform(weaver)
                .makeRaw();
    }

    /** Reports classes Byte Buddy could not transform; they keep running unwoven. */
    private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                Throwable throwable) {
            io.weft.agent.log.WeftLog.warn("could not weave " + typeName + "; it runs uncached: " + throwable);
        }

        @Override
        public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
                boolean loaded, net.bytebuddy.dynamic.DynamicType dynamicType) {
            // the TypeWeaver logs what it wove
        }
    }
}
