package io.weft.agent.cache;

import io.weft.agent.log.WeftLog;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Every {@link NamedCache} of the JVM, created as woven methods name them. */
public final class CacheRegistry {

    private final ConcurrentSkipListMap<String, NamedCache> caches = new ConcurrentSkipListMap<>();
    private final List<Consumer<NamedCache>> listeners = new CopyOnWriteArrayList<>();

    /**
     * The cache called {@code name}; created with {@code enabled} the first time it is named, and then
     * handed to the {@link #onCreated listeners} before it is returned.
     */
    public NamedCache cache(String name, boolean enabled) {
        NamedCache existing = caches.get(name);
        if (existing != null) {
            return existing;
        }
        NamedCache created = new NamedCache(name, enabled);
        NamedCache cache = caches.computeIfAbsent(name, n -> created);
        if (cache == created) {
            for (Consumer<NamedCache> listener : listeners) {
                try {
                    listener.accept(cache);
                } catch (Throwable t) {
                    WeftLog.warn("a listener failed on the new cache " + name + ": " + t);
                }
            }
        }
        return cache;
    }

    /**
     * Calls {@code listener} with every cache created from now on (on the thread that names it, before the
     * cache is used) and, right away, with those that already exist; a cache created meanwhile may be handed
     * over twice. Operations (switches, JMX) use it.
     */
    public void onCreated(Consumer<NamedCache> listener) {
        listeners.add(listener);
        caches.values().forEach(listener);
    }

    /** The cache called {@code name}, or {@code null}. */
    public NamedCache find(String name) {
        return caches.get(name);
    }

    /** All caches, ordered by name. */
    public Collection<NamedCache> caches() {
        return Collections.unmodifiableCollection(caches.values());
    }
}
