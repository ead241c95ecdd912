package io.weft.agent.ops;

import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.NamedCache;
import io.weft.agent.log.WeftLog;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The runtime switches: one per cache and one for the whole agent. A cache is active (its
 * {@link NamedCache#enabled() volatile flag} is set) when both its own switch and the agent's are on, so
 * turning the agent off and on again restores each cache as it was, and a cache that appears while the
 * agent is off starts off. Woven code reads only the cache's flag: a switch costs the hit path nothing.
 */
public final class Switches {

    private final Map<String, Boolean> own = new ConcurrentHashMap<>();
    private volatile CacheRegistry registry;
    private volatile boolean agentEnabled = true;

    /** Starts following {@code caches}: every cache, existing or future, gets the agent's switch applied. */
    public synchronized void attach(CacheRegistry caches) {
        this.registry = caches;
        caches.onCreated(new Consumer<NamedCache>() { // a class, not a lambda: attached on the way to the first woven call
            @Override
            public void accept(NamedCache cache) {
                created(cache);
            }
        });
    }

    private synchronized void created(NamedCache cache) {
        own.putIfAbsent(cache.name(), cache.enabled());
        apply(cache);
    }

    /** Whether the agent's switch is on. */
    public boolean agentEnabled() {
        return agentEnabled;
    }

    /** Turns every cache off (each keeps its own switch for later) or back on as each cache's own switch says. */
    public synchronized void setAgentEnabled(boolean enabled, String by) {
        boolean changed = agentEnabled != enabled;
        agentEnabled = enabled;
        CacheRegistry caches = registry;
        if (caches != null) {
            caches.caches().forEach(this::apply);
        }
        if (changed) {
            WeftLog.info((enabled ? "caching switched on" : "caching switched off: every cached method runs its body")
                    + " (" + by + ")");
        }
    }

    /** The cache's own switch (what the operator or {@code weft.cache.<name>.enabled} set). */
    public boolean cacheEnabled(NamedCache cache) {
        return own.getOrDefault(cache.name(), cache.enabled());
    }

    /** Sets the cache's own switch; the cache is active only while the agent's switch is on too. */
    public synchronized void setCacheEnabled(NamedCache cache, boolean enabled, String by) {
        Boolean before = own.put(cache.name(), enabled);
        apply(cache);
        if (before == null || before != enabled) {
            WeftLog.info("cache " + cache.name() + " switched " + (enabled ? "on" : "off") + " (" + by + ")"
                    + (enabled && !agentEnabled ? "; it stays inactive while caching is switched off for the agent" : ""));
        }
    }

    private void apply(NamedCache cache) {
        cache.setEnabled(agentEnabled && own.getOrDefault(cache.name(), Boolean.TRUE));
    }
}
