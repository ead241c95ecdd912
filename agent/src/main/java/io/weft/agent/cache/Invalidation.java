package io.weft.agent.cache;

import io.weft.agent.keys.KeyRenderer;
import java.util.List;

/** What an {@code @InvalidateCache} method evicts, bound at weave time. */
public final class Invalidation {

    private final DeclaredMethod declared;
    private final List<KeyRenderer> keys;
    private final List<KeyRenderer> prefixes;
    private final List<KeyRenderer> tags;
    private final boolean beforeInvocation;
    private final String event;
    private final List<String> payloadNames;

    /** An invalidation whose event names the arguments as the method's parameters are named. */
    public Invalidation(DeclaredMethod declared, List<KeyRenderer> keys, List<KeyRenderer> prefixes,
            boolean beforeInvocation, String event) {
        this(declared, keys, prefixes, List.of(), beforeInvocation, event, declared.parameterNames());
    }

    /**
     * @param tags the templates of the tags whose entries it evicts
     * @param event the event type published for other instances and services
     * @param payloadNames the names of the arguments in the event's payload, by position
     */
    public Invalidation(DeclaredMethod declared, List<KeyRenderer> keys, List<KeyRenderer> prefixes,
            List<KeyRenderer> tags, boolean beforeInvocation, String event, List<String> payloadNames) {
        this.payloadNames = List.copyOf(payloadNames);
        this.declared = declared;
        this.keys = List.copyOf(keys);
        this.prefixes = List.copyOf(prefixes);
        this.tags = List.copyOf(tags);
        this.beforeInvocation = beforeInvocation;
        this.event = event;
    }

    public DeclaredMethod declared() {
        return declared;
    }

    public boolean beforeInvocation() {
        return beforeInvocation;
    }

    List<KeyRenderer> keys() {
        return keys;
    }

    List<KeyRenderer> prefixes() {
        return prefixes;
    }

    List<KeyRenderer> tags() {
        return tags;
    }

    String event() {
        return event;
    }

    List<String> payloadNames() {
        return payloadNames;
    }
}
