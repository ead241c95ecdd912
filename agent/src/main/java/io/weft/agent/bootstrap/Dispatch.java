package io.weft.agent.bootstrap;

/**
 * The single entry point that woven code calls. This class and the other members of this package
 * are injected into the bootstrap class loader, so code defined by any class loader can link
 * against them; they refer to nothing but JDK types.
 */
public final class Dispatch {

    /** The arguments of a woven method that has no parameters: one shared empty array, never written. */
    public static final Object[] NO_ARGUMENTS = new Object[0];

    /**
     * Woven {@code @CacheResult} methods of up to this many parameters pass them one by one on entry instead of in
     * an array ({@code long}, {@code int} and {@code double} ones unboxed), which they build only when the call is not
     * a hit.
     */
    public static final int MAX_PASSED_ARGUMENTS = 6;

    /**
     * Those of up to this many parameters (most) pass them to the entry of three slots of each kind, the others to the
     * entry of {@link #MAX_PASSED_ARGUMENTS}: the common call stays short.
     */
    public static final int SHORT_ENTRY_ARGUMENTS = 3;

    private static volatile Handler handler;

    private Dispatch() {
    }

    /** Installs the runtime that woven calls are forwarded to; called once by the agent at start. */
    public static void install(Handler runtime) {
        handler = runtime;
    }

    /** See {@link Handler#enterCached(int, Object[])}. */
    public static Object enterCached(int methodId, Object[] args) {
        Handler h = handler;
        return h == null ? null : h.enterCached(methodId, args);
    }

    /** See {@link Handler#enterCached(int, Object, Object, Object, long, long, long)}. */
    public static Object enterCached(int methodId, Object a0, Object a1, Object a2, long n0, long n1, long n2) {
        Handler h = handler;
        return h == null ? null : h.enterCached(methodId, a0, a1, a2, n0, n1, n2);
    }

    /** See {@link Handler}'s {@code enterCached} of six slots of each kind. */
    public static Object enterCached(int methodId, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5,
            long n0, long n1, long n2, long n3, long n4, long n5) {
        Handler h = handler;
        return h == null ? null : h.enterCached(methodId, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
    }

    /** See {@link Handler#enterWithReceiver}. */
    public static Object enterWithReceiver(int methodId, Object receiver, Object[] args) {
        Handler h = handler;
        return h == null ? null : h.enterWithReceiver(methodId, receiver, args);
    }

    /** See {@link Handler#enterWithReceiver(int, Object, Object, Object, Object, long, long, long)}. */
    public static Object enterWithReceiver(int methodId, Object receiver, Object a0, Object a1, Object a2, long n0,
            long n1, long n2) {
        Handler h = handler;
        return h == null ? null : h.enterWithReceiver(methodId, receiver, a0, a1, a2, n0, n1, n2);
    }

    /** See {@link Handler}'s {@code enterWithReceiver} of six slots of each kind. */
    public static Object enterWithReceiver(int methodId, Object receiver, Object a0, Object a1, Object a2, Object a3,
            Object a4, Object a5, long n0, long n1, long n2, long n3, long n4, long n5) {
        Handler h = handler;
        return h == null ? null
                : h.enterWithReceiver(methodId, receiver, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
    }

    /** See {@link Handler#exitCached}. */
    public static void exitCached(int methodId, Object token, Object[] args, Object result) {
        Handler h = handler;
        if (h != null) {
            h.exitCached(methodId, (Token) token, args, result);
        }
    }

    /** See {@link Handler#exitFuture}: the future the method returns. */
    public static Object exitFuture(int methodId, Object token, Object[] args, Object result) {
        Handler h = handler;
        return h == null ? result : h.exitFuture(methodId, (Token) token, args, result);
    }

    /**
     * See {@link Handler#exitThrown}: the value to return instead of {@code thrown}, if the runtime has one;
     * otherwise throws {@code thrown} itself (the woven handler returns what this returns).
     */
    public static Object exitThrown(int methodId, Object token, Object[] args, Throwable thrown) {
        Handler h = handler;
        Hit instead = h == null ? null : h.exitThrown(methodId, (Token) token, args, thrown);
        if (instead == null) {
            throw Dispatch.<RuntimeException>unchecked(thrown);
        }
        return instead.value();
    }

    /** Throws {@code thrown} as it is, checked or not (the woven method declared or may throw it). */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T unchecked(Throwable thrown) throws T {
        throw (T) thrown;
    }

    /** See {@link Handler#enterBatch}. */
    public static Object enterBatch(int methodId, Object[] args) {
        Handler h = handler;
        return h == null ? null : h.enterBatch(methodId, args);
    }

    /** See {@link Handler#exitBatch}: what the batch method returns. */
    public static Object exitBatch(int methodId, Object token, Object[] args, Object result) {
        Handler h = handler;
        return h == null ? result : h.exitBatch(methodId, (Token) token, args, result);
    }

    /** See {@link Handler#invalidate}. */
    public static void invalidate(int methodId, Object[] args, Object result) {
        Handler h = handler;
        if (h != null) {
            h.invalidate(methodId, args, result);
        }
    }
}
