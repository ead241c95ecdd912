package io.weft.agent.cache;

import io.weft.agent.log.WeftLog;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Every {@link NamedCache} of the JVM, created as woven methods name them. */
public final class CacheRegistry {

    private final ConcurrentSkipListMap<String, NamedCache> caches = new ConcurrentSkipListMap<>();
    private final List<Consumer<NamedCache>> listeners = new CopyOnWriteArrayList<>();
    /** The names annotations gave, woven or not: a setting naming one of them is no typo. */
    private final Set<String> named = ConcurrentHashMap.newKeySet();

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
        NamedCache raced = caches.putIfAbsent(name, created);
        NamedCache cache = raced == null ? created : raced;
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

    /**
     * Records that an annotation names the cache {@code name}, before its method is checked: a per-cache setting
     * that leaves the method unwoven (a {@code weft.cache.<name>.ttl} not longer than its {@code refreshAfter}) names
     * a cache all the same.
     */
    public void named(String name) {
        named.add(name);
    }

    /** Whether an annotation named the cache {@code name}, whether or not its method was woven. */
    public boolean isNamed(String name) {
        return named.contains(name) || caches.containsKey(name);
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
