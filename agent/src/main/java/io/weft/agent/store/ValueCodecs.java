package io.weft.agent.store;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One {@link ValueCodec} per class loader, kept by the classes whose values it reads and writes (a
 * {@link ClassValue}) and held only weakly here: Jackson's caches hold the classes they were built for, so one
 * codec for the whole JVM would keep every undeployed application's loader (SPEC §10).
 */
public final class ValueCodecs {

    private final int maxBytes;
    private final int compressMinBytes;
    private final Map<ClassLoader, WeakReference<ValueCodec>> byLoader = new WeakHashMap<>();
    private final ClassValue<ValueCodec> byClass = new ClassValue<>() {
        @Override
        protected ValueCodec computeValue(Class<?> owner) {
            return ofLoader(owner.getClassLoader());
        }
    };

    /** @param maxBytes, compressMinBytes as {@link ValueCodec#ValueCodec(int, int)} */
    public ValueCodecs(int maxBytes, int compressMinBytes) {
        this.maxBytes = maxBytes;
        this.compressMinBytes = compressMinBytes;
    }

    /** The codec for the values of methods declared by {@code owner}: the one of its class loader. */
    public ValueCodec of(Class<?> owner) {
        return byClass.get(owner);
    }

    private synchronized ValueCodec ofLoader(ClassLoader loader) {
        WeakReference<ValueCodec> known = byLoader.get(loader);
        ValueCodec codec = known == null ? null : known.get();
        if (codec == null) {
            codec = new ValueCodec(maxBytes, compressMinBytes);
            byLoader.put(loader, new WeakReference<>(codec));
        }
        return codec;
    }
}
