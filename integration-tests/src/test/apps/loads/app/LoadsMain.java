package app;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * SPEC §10, waiting never hangs. (1) A load whose caching path fails (a getter in the eviction's key throws)
 * while 50 threads call the same key: every call returns. (2) A load whose owner is stuck: 50 callers of its
 * key stop waiting after weft.load.maxWait and run the method themselves, while the owner is still stuck.
 */
public class LoadsMain {

    static final int CALLERS = 50;

    public static void main(String[] args) throws Exception {
        Loads loads = new Loads();
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);

        String first = loads.find(new Loads.Request("1", true));
        List<Future<String>> calls = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < CALLERS; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                return loads.find(new Loads.Request("1", false));
            }));
        }
        go.countDown();
        int answered = 0;
        for (Future<String> call : calls) {
            if ("book 1".equals(call.get(60, TimeUnit.SECONDS))) {
                answered++;
            }
        }
        check("failed.first", first);
        check("failed.answered", answered);
        int runs = Loads.FIND_RUNS.get();
        check("failed.runs", runs);
        // a hit runs no body: the count stays exactly what it was before the call
        check("failed.cachedAfterwards", "book 1".equals(loads.find(new Loads.Request("1", false)))
                && Loads.FIND_RUNS.get() == runs);

        Loads.release = new CountDownLatch(1);
        Loads.entered = new CountDownLatch(1);
        Future<String> owner = pool.submit(() -> loads.slow("9"));
        Loads.entered.await();
        List<Future<String>> waiters = new ArrayList<>();
        for (int i = 0; i < CALLERS - 1; i++) {
            waiters.add(pool.submit(() -> loads.slow("9")));
        }
        int served = 0;
        for (Future<String> waiter : waiters) {
            if ("slow 9".equals(waiter.get(60, TimeUnit.SECONDS))) {
                served++;
            }
        }
        check("stuck.servedWhileOwnerStuck", served + "/" + !owner.isDone());
        Loads.release.countDown();
        check("stuck.owner", owner.get(60, TimeUnit.SECONDS));
        check("stuck.waitTimeouts", waitTimeouts("slow"));
        pool.shutdown();
        System.out.println("DONE");
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
