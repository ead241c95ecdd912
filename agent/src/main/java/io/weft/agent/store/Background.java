package io.weft.agent.store;

import java.security.PrivilegedAction;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Weft's own threads: executors for work that waits on the shared level and must stay off callers' threads, and
 * the daemon threads behind them and every other Weft thread.
 */
public final class Background {

    private Background() {
    }

    /** An executor running tasks in order on one daemon thread named {@code name}, which ends after 10 s idle. */
    public static Executor singleThread(String name) {
        return new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads(name));
    }

    /** A factory of {@link #daemon} threads named {@code name}. */
    public static ThreadFactory threads(String name) {
        return new DaemonThreads(name);
    }

    /**
     * Tasks handed to an executor (one thread, as {@link #singleThread}'s) while those waiting there weigh less than a
     * bound (in bytes, say); a task that would take them past it is refused, unless none are waiting. For work that
     * may be lost but must not pile up without end while its thread falls behind.
     */
    public static final class Bounded {

        private final Executor executor;
        private final long bound;
        private final AtomicLong waiting = new AtomicLong();

        public Bounded(Executor executor, long bound) {
            this.executor = executor;
            this.bound = bound;
        }

        /** Hands {@code task}, weighing {@code weight}, to the executor unless that passes the bound; whether it did. */
        public boolean offer(long weight, Runnable task) {
            long after = waiting.addAndGet(weight);
            if (after > bound && after != weight) {
                waiting.addAndGet(-weight);
                return false;
            }
            executor.execute(() -> {
                waiting.addAndGet(-weight);
                task.run();
            });
            return true;
        }
    }

    /**
     * A daemon thread (not started) that keeps nothing of the thread that creates it: its context class loader is
     * Weft's own (where the relocated libraries find their classes) and, on JDKs that still record one, its access
     * control context is not the creating call stack's. A thread made lazily on
     * an application's call (a connection opened at a miss) would otherwise hold that application's class loader
     * for its whole life, and so would the threads it starts in turn (Netty's), keeping an undeployed web
     * application in memory (SPEC §10).
     */
    public static Thread daemon(Runnable task, String name) {
        return clean(new DaemonThread(task, name));
    }

    /**
     * Makes one {@link #daemon} thread. This class and the others here are classes, not lambdas: they run on the way to
     * the first woven call, where each lambda would cost the JVM a class spun at run time.
     */
    private static final class DaemonThread implements Supplier<Thread> {

        private final Runnable task;
        private final String name;

        DaemonThread(Runnable task, String name) {
            this.task = task;
            this.name = name;
        }

        @Override
        public Thread get() {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        }
    }

    /** Makes {@link #daemon} threads. */
    private static final class DaemonThreads implements ThreadFactory {

        private final String name;

        DaemonThreads(String name) {
            this.name = name;
        }

        @Override
        public Thread newThread(Runnable task) {
            return daemon(task, name);
        }
    }

    /**
     * The thread {@code maker} makes (not started), made so that it keeps nothing of the thread that creates it, as
     * {@link #daemon}'s are: for threads that libraries make (Netty's), which may start lazily on a caller's task.
     */
    public static Thread clean(Supplier<Thread> maker) {
        // made while Weft's loader is the context class loader: the thread inherits it
        return asWeft(maker);
    }

    /**
     * What {@code action} returns, run as Weft's own code: with Weft's context class loader and none of the calling
     * stack's access control context. For starting the runtime on the first woven class, which may be loaded on an
     * application's thread (a web application's deployment): threads that the JDK or a library makes meanwhile
     * (CompletableFuture's delay scheduler, the common pool) keep nothing of that application.
     */
    @SuppressWarnings("removal")
    public static <T> T asWeft(Supplier<T> action) {
        return java.security.AccessController.doPrivileged(new AsWeft<>(action));
    }

    /** Runs an action with Weft's context class loader, restoring the caller's after. */
    private static final class AsWeft<T> implements PrivilegedAction<T> {

        private final Supplier<T> action;

        AsWeft(Supplier<T> action) {
            this.action = action;
        }

        @Override
        public T run() {
            Thread current = Thread.currentThread();
            ClassLoader callers = current.getContextClassLoader();
            current.setContextClassLoader(Background.class.getClassLoader());
            try {
                return action.get();
            } finally {
                current.setContextClassLoader(callers);
            }
        }
    }
}
