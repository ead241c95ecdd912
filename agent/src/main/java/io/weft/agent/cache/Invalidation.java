package io.weft.agent.cache;

import io.weft.agent.keys.KeyRenderer;
import java.util.List;

/** What an {@code @InvalidateCache} method evicts, bound at weave time. */
public final class Invalidation {

    private final String owner;
    private final List<KeyRenderer> keys;
    private final List<KeyRenderer> prefixes;
    private final boolean beforeInvocation;
    private final String event;

    /**
     * @param owner {@code Class#method}, for messages
     * @param event the event type published (used once events exist)
     */
    public Invalidation(String owner, List<KeyRenderer> keys, List<KeyRenderer> prefixes, boolean beforeInvocation,
            String event) {
        this.owner = owner;
        this.keys = List.copyOf(keys);
        this.prefixes = List.copyOf(prefixes);
        this.beforeInvocation = beforeInvocation;
        this.event = event;
    }

    String owner() {
        return owner;
    }

    List<KeyRenderer> keys() {
        return keys;
    }

    List<KeyRenderer> prefixes() {
        return prefixes;
    }

    public boolean beforeInvocation() {
        return beforeInvocation;
    }

    String event() {
        return event;
    }
}
