package io.weft.agent.store;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Weft's own threads: executors for work that waits on the shared level and must stay off callers' threads, and
 * the daemon threads behind them and every other Weft thread.
 */
public final class Background {

    private Background() {
    }

    /** An executor running tasks in order on one daemon thread named {@code name}, which ends after 10 s idle. */
    public static Executor singleThread(String name) {
        return new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> daemon(task, name));
    }

    /**
     * A daemon thread (not started) that keeps nothing of the thread that creates it: its context class loader is
     * Weft's own (where the relocated libraries find their classes) and, on JDKs that still record one, its access
     * control context is not the creating call stack's. A thread made lazily on
     * an application's call (a connection opened at a miss) would otherwise hold that application's class loader
     * for its whole life, and so would the threads it starts in turn (Netty's), keeping an undeployed web
     * application in memory (SPEC §10).
     */
    @SuppressWarnings("removal")
    public static Thread daemon(Runnable task, String name) {
        return java.security.AccessController.doPrivileged((java.security.PrivilegedAction<Thread>) () -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.setContextClassLoader(Background.class.getClassLoader());
            return thread;
        });
    }
}
