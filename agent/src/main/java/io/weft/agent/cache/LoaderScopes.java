package io.weft.agent.cache;

import io.weft.agent.keys.KeyScope;
import io.weft.agent.log.WeftLog;
import io.weft.agent.store.Background;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One {@link KeyScope} per class loader that defined woven methods (SPEC §10: class loaders are isolation
 * boundaries). Loaders are held weakly: an undeployed application's loader is not kept alive by its scope, and
 * once it is collected the {@link #whenCollected listeners} hear of its scope (on the {@code weft-cleaner}
 * thread, started with the first loader that can be collected). An eviction by key text (an invalidation, an
 * event) applies to every live scope, since Redis and events are shared by all applications of the JVM.
 */
public final class LoaderScopes {

    private final KeyScope bootstrap = new KeyScope("the bootstrap class loader");
    private final Map<ClassLoader, KeyScope> byLoader = new WeakHashMap<>();
    private final List<Consumer<KeyScope>> listeners = new CopyOnWriteArrayList<>();
    private Cleaner cleaner;
    private boolean bootstrapUsed;
    private volatile List<KeyScope> live = List.of();

    /** The scope of {@code loader} ({@code null}: the bootstrap loader), created on first use (at weave time). */
    public synchronized KeyScope of(ClassLoader loader) {
        KeyScope scope;
        if (loader == null) {
            scope = bootstrap;
            bootstrapUsed = true;
        } else {
            scope = byLoader.get(loader);
            if (scope == null) {
                scope = new KeyScope(loader.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(loader)));
                byLoader.put(loader, scope);
                watch(loader, scope);
            }
        }
        updateLive();
        return scope;
    }

    /** Calls {@code listener} with the scope of each loader collected from now on. */
    public void whenCollected(Consumer<KeyScope> listener) {
        listeners.add(listener);
    }

    private void watch(ClassLoader loader, KeyScope scope) {
        if (loader == ClassLoader.getSystemClassLoader() || loader == ClassLoader.getPlatformClassLoader()) {
            return;
        }
        if (cleaner == null) {
            cleaner = Cleaner.create(Background.threads("weft-cleaner"));
        }
        cleaner.register(loader, () -> collected(scope));
    }

    private void collected(KeyScope scope) {
        synchronized (this) {
            updateLive();
        }
        for (Consumer<KeyScope> listener : listeners) {
            try {
                listener.accept(scope);
            } catch (Throwable t) {
                WeftLog.warn("cannot release what the collected class loader " + scope + " left: " + t);
            }
        }
    }

    private void updateLive() {
        List<KeyScope> scopes = new ArrayList<>(byLoader.values());
        if (bootstrapUsed) {
            scopes.add(bootstrap);
        }
        live = List.copyOf(scopes);
    }

    /** The scopes of the loaders still alive (and of the bootstrap loader once used). */
    List<KeyScope> live() {
        return live;
    }
}
