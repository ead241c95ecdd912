package app;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;

/**
 * SPEC §10, waiting never hangs; one scenario per run, named by the first argument. {@code failed}: a load whose
 * caching path fails (a getter in the eviction's key throws) while 50 other callers of its key wait for it: every
 * call returns as soon as it fails, long before weft.load.maxWait. {@code stuck}: a load whose owner is stuck: 49
 * callers of its key stop waiting after weft.load.maxWait and run the method themselves, while the owner is still
 * stuck. Times are printed in milliseconds for the test to bound.
 */
public class LoadsMain {

    static final int CALLERS = 50;

    public static void main(String[] args) throws Exception {
        Loads loads = new Loads();
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS + 1);
        switch (args[0]) {
            case "failed" -> failed(loads, pool);
            case "stuck" -> stuck(loads, pool);
            default -> throw new IllegalArgumentException(args[0]);
        }
        pool.shutdown();
        System.out.println("DONE");
    }

    /** The owner of key 1 fails inside the caching path once all 50 other callers have joined its load. */
    static void failed(Loads loads, ExecutorService pool) throws Exception {
        Loads.failing = new CountDownLatch(1);
        Loads.mayFail = new CountDownLatch(1);
        Future<String> owner = pool.submit(() -> loads.find(new Loads.Request("1", true)));
        Loads.failing.await(); // the owner's load is registered: it is rendering its eviction's key
        Queue<Thread> callerThreads = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        List<Future<Long>> calls = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            calls.add(pool.submit(() -> {
                callerThreads.add(Thread.currentThread());
                if ("book 1".equals(loads.find(new Loads.Request("1", false)))) {
                    answered.incrementAndGet();
                }
                return System.nanoTime();
            }));
        }
        // each caller is parked in a timed wait inside find: it joined the owner's load (bounded by weft.load.maxWait)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (callerThreads.size() < CALLERS
                || !callerThreads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the callers did not all join the owner's load");
            }
            Thread.sleep(5);
        }
        long failedAt = System.nanoTime();
        Loads.mayFail.countDown();
        long slowestRelease = 0;
        for (Future<Long> call : calls) {
            slowestRelease = Math.max(slowestRelease, call.get(60, TimeUnit.SECONDS) - failedAt);
        }
        check("failed.owner", owner.get(60, TimeUnit.SECONDS));
        check("failed.answered", answered);
        check("failed.slowestReleaseMillis", TimeUnit.NANOSECONDS.toMillis(slowestRelease));
        check("failed.waitTimeouts", waitTimeouts("loads"));
        // the key is cached again afterwards: one call may load it, the next runs no body
        loads.find(new Loads.Request("1", false));
        int runs = Loads.FIND_RUNS.get();
        check("failed.cachedAfterwards", "book 1".equals(loads.find(new Loads.Request("1", false)))
                && Loads.FIND_RUNS.get() == runs);
    }

    /** The owner of key 9 is stuck in the method body while 49 other callers of the key wait for it. */
    static void stuck(Loads loads, ExecutorService pool) throws Exception {
        Loads.release = new CountDownLatch(1);
        Loads.entered = new CountDownLatch(1);
        Future<String> owner = pool.submit(() -> loads.slow("9"));
        Loads.entered.await();
        List<Future<Long>> waiters = new ArrayList<>();
        for (int i = 0; i < CALLERS - 1; i++) {
            waiters.add(pool.submit(() -> {
                long start = System.nanoTime();
                return "slow 9".equals(loads.slow("9")) ? System.nanoTime() - start : -1L;
            }));
        }
        int served = 0;
        long slowestWait = 0;
        for (Future<Long> waiter : waiters) {
            long waited = waiter.get(60, TimeUnit.SECONDS);
            if (waited >= 0) {
                served++;
                slowestWait = Math.max(slowestWait, waited);
            }
        }
        check("stuck.servedWhileOwnerStuck", served + "/" + !owner.isDone());
        check("stuck.slowestWaitMillis", TimeUnit.NANOSECONDS.toMillis(slowestWait));
        Loads.release.countDown();
        check("stuck.owner", owner.get(60, TimeUnit.SECONDS));
        check("stuck.waitTimeouts", waitTimeouts("slow"));
    }

    /** The cache's LoadWaitTimeouts over JMX (the MBeans are registered within 2 s of the first woven class). */
    static Object waitTimeouts(String cache) throws Exception {
        ObjectName name = new ObjectName("io.weft:type=Cache,name=" + ObjectName.quote(cache));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ManagementFactory.getPlatformMBeanServer().isRegistered(name) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return ManagementFactory.getPlatformMBeanServer().getAttribute(name, "LoadWaitTimeouts");
    }

    static void check(String name, Object value) {
        System.out.println("CHECK " + name + "=" + value);
    }
}
