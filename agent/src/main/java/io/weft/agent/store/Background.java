package io.weft.agent.store;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Executors for work that waits on Redis and must stay off callers' threads: one daemon thread, gone when idle. */
public final class Background {

    private Background() {
    }

    /** An executor running tasks in order on one daemon thread named {@code name}, which ends after 10 s idle. */
    public static Executor singleThread(String name) {
        return new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
