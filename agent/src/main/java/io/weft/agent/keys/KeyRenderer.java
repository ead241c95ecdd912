package io.weft.agent.keys;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a bound template for one call. Implementations are chosen at weave time for the
 * template's shape, so a call does no parsing and no reflective lookup.
 */
public interface KeyRenderer {

    /**
     * Renders the key.
     *
     * @param args the call's arguments
     * @param result the return value, for templates that use {@code {return}}; otherwise ignored
     */
    String render(Object[] args, Object result);

    /**
     * The L1 key of a call in {@code scope} ({@code {return}} cannot be used): {@link CacheKey#of} the
     * rendered text unless cheaper. It may be the thread's probe, valid until the thread's next key: keep
     * only its {@link CacheKey#stable} copy.
     */
    default CacheKey key(KeyScope scope, Object[] args) {
        return CacheKey.of(scope, render(args, null));
    }

    /**
     * {@link #key(KeyScope, Object[])} for a call of at most six arguments passed one by one ({@link PassedArguments}):
     * in {@code a0}…{@code a5}, or for a {@code long}, {@code int} or {@code double} parameter ({@link UnboxedArgument})
     * in {@code n0}…{@code n5}; the same key as for the array of them. This default reads the object slots only: right
     * for a renderer that reads no such parameter (the template renderers read them; a batch method always passes its
     * array).
     */
    default CacheKey key(KeyScope scope, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, long n0,
            long n1, long n2, long n3, long n4, long n5) {
        return key(scope, new Object[] {a0, a1, a2, a3, a4, a5});
    }

    /** The key of a call of at most three arguments passed one by one, the other slots {@code null} and {@code 0}. */
    default CacheKey key(KeyScope scope, Object a0, Object a1, Object a2, long n0, long n1, long n2) {
        return key(scope, a0, a1, a2, null, null, null, n0, n1, n2, 0, 0, 0);
    }

    /** Adds the keys of one call to {@code into}: its one key ({@link BatchTemplate}: one per element). */
    default void renderInto(List<String> into, Object[] args, Object result) {
        into.add(render(args, result));
    }

    /** Renders each of {@code templates} for one call, in order. */
    static List<String> renderAll(List<KeyRenderer> templates, Object[] args, Object result) {
        List<String> rendered = new ArrayList<>(templates.size());
        for (KeyRenderer template : templates) {
            template.renderInto(rendered, args, result);
        }
        return rendered;
    }
}
