package io.weft.agent.cache;

import io.weft.agent.keys.KeyScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One {@link KeyScope} per class loader that defined woven methods (SPEC §10: class loaders are isolation
 * boundaries). Loaders are held weakly: an undeployed application's loader is not kept alive by its scope.
 * An eviction by key text (an invalidation, an event) applies to every live scope, since Redis and events
 * are shared by all applications of the JVM.
 */
public final class LoaderScopes {

    private final KeyScope bootstrap = new KeyScope("the bootstrap class loader");
    private final Map<ClassLoader, KeyScope> byLoader = new WeakHashMap<>();
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
            }
        }
        List<KeyScope> scopes = new ArrayList<>(byLoader.values());
        if (bootstrapUsed) {
            scopes.add(bootstrap);
        }
        live = List.copyOf(scopes);
        return scope;
    }

    /** The scopes of the loaders still alive (and of the bootstrap loader once used). */
    List<KeyScope> live() {
        return live;
    }
}
