package io.weft.agent.cache;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentSkipListMap;

/** Every {@link NamedCache} of the JVM, created as woven methods name them. */
public final class CacheRegistry {

    private final ConcurrentSkipListMap<String, NamedCache> caches = new ConcurrentSkipListMap<>();

    /** The cache called {@code name}; created with {@code enabled} the first time it is named. */
    public NamedCache cache(String name, boolean enabled) {
        return caches.computeIfAbsent(name, n -> new NamedCache(n, enabled));
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
