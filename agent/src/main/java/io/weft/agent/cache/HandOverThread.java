package io.weft.agent.cache;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Weft thread that calls a woven method for a load registered beforehand (a background reload, or the body run
 * of a future-returning call that waited for another instance): it carries that load until the woven method,
 * entered on it, {@linkplain #takeFor takes} it and runs its body as the load. Made outside the caller's access
 * control context (see {@code Background#daemon}), inheriting no thread locals and no context loader.
 */
final class HandOverThread extends Thread {

    private int methodId;
    private Load load;

    private HandOverThread(Runnable task, String name) {
        super(null, task, name, 0, false);
        setDaemon(true);
        setContextClassLoader(null);
    }

    /** A new daemon thread named {@code name} running {@code task}. */
    @SuppressWarnings("removal")
    static HandOverThread create(Runnable task, String name) {
        return java.security.AccessController.doPrivileged(
                (java.security.PrivilegedAction<HandOverThread>) () -> new HandOverThread(task, name));
    }

    /** A factory of hand-over threads named {@code name}, followed by {@code -1}, {@code -2}, … when {@code numbered}. */
    static ThreadFactory threads(String name, boolean numbered) {
        return new Factory(name, numbered);
    }

    /** Makes hand-over threads (a class, not a lambda: made with the runtime, on the way to the first woven class). */
    private static final class Factory implements ThreadFactory {

        private final String name;
        private final AtomicInteger made;

        Factory(String name, boolean numbered) {
            this.name = name;
            this.made = numbered ? new AtomicInteger() : null;
        }

        @Override
        public Thread newThread(Runnable task) {
            return create(task, made == null ? name : name + "-" + made.incrementAndGet());
        }
    }

    /** The current thread, which must be a hand-over thread. */
    static HandOverThread current() {
        return (HandOverThread) Thread.currentThread();
    }

    /**
     * The load handed over on the current thread for {@code methodId}, once: the woven method's entry takes it
     * instead of looking the key up; {@code null} on any other thread and for any other call.
     */
    static Load takeFor(int methodId) {
        Thread current = Thread.currentThread();
        return current instanceof HandOverThread ? ((HandOverThread) current).take(methodId) : null;
    }

    /** Hands {@code handed} to the next entry of the woven method {@code id} on this thread. */
    void hand(int id, Load handed) {
        methodId = id;
        load = handed;
    }

    /** The load handed over for {@code id}, once; {@code null} when there is none (nested calls). */
    Load take(int id) {
        Load handed = load;
        if (handed == null || methodId != id) {
            return null;
        }
        load = null;
        return handed;
    }
}
