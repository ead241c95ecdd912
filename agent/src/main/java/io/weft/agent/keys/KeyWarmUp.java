package io.weft.agent.keys;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Makes keys the way woven calls make them, once, before any caller does: templates bound to parameters of every
 * {@link ScalarKind} (two of them passed unboxed, one of any other type), their probes, stable copies and texts.
 * So the classes a first call's key needs (the probe and its holders, {@code ScalarKind}'s switch, {@code ScalarText})
 * are loaded and initialized by then: a virtual thread that waits for another thread's class loading or
 * initialization is pinned to its carrier (SPEC §10). Part of the runtime's {@code FirstCallWarmUp}.
 */
public final class KeyWarmUp {

    private static final List<String> TYPES = List.of("java.util.UUID", "long", "java.lang.String");
    private static final List<String> OTHER_TYPES = List.of("int", "java.lang.Long", "java.lang.Object");
    private static final List<String> MORE_TYPES = List.of("java.time.LocalDate", "java.lang.Object", "java.util.List");

    private KeyWarmUp() {
    }

    /** Makes, copies and renders keys in {@code scope} (a scope no caller's key is in). */
    public static void run(KeyScope scope) {
        make(scope, TYPES, new UUID(1, 2), null, "warm-up", 0, 7, 0);
        make(scope, OTHER_TYPES, null, 8L, Boolean.TRUE, 9, 0, 0);
        make(scope, MORE_TYPES, LocalDate.of(2000, 1, 2), TimeUnit.SECONDS, List.of(3L, "warm-up"), 0, 0, 0);
    }

    private static void make(KeyScope scope, List<String> types, Object a0, Object a1, Object a2, long n0, long n1,
            long n2) {
        KeyRenderer renderer = TemplateBinder.bind(Template.parse("weft:warm-up:{0}:{1}:{2}"), new Signature() {
            @Override
            public int parameterCount() {
                return types.size();
            }

            @Override
            public String parameterName(int index) {
                return null;
            }

            @Override
            public String parameterType(int index) {
                return types.get(index);
            }

            @Override
            public String returnType() {
                return "java.lang.String";
            }

            @Override
            public void checkPath(String typeName, List<String> path) {
                throw new IllegalArgumentException("no property paths in the warm-up");
            }

            @Override
            public ClassLoader classLoader() {
                return KeyWarmUp.class.getClassLoader();
            }
        }, false);
        CacheKey key = renderer.key(scope, a0, a1, a2, n0, n1, n2).stable();
        if (key.text().isEmpty() || !key.equals(renderer.key(scope, a0, a1, a2, n0, n1, n2))) {
            throw new IllegalStateException("a warm-up key does not equal itself made again: " + key.text());
        }
    }
}
