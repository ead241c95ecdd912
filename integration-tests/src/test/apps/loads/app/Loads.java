package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Cached methods whose loads fail inside the caching path, or never finish. */
public class Loads {

    /**
     * A request whose owner getter throws when asked to: the eviction before the call then fails. Before it throws, it
     * waits for {@link #mayFail}, so that other callers of the key can join the load while its owner is inside the
     * caching path.
     */
    public static final class Request {
        private final String id;
        private final boolean ownerThrows;

        public Request(String id, boolean ownerThrows) {
            this.id = id;
            this.ownerThrows = ownerThrows;
        }

        public String getId() {
            return id;
        }

        public String getOwner() {
            if (ownerThrows) {
                failing.countDown();
                try {
                    mayFail.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("owner is not loaded");
            }
            return "alice";
        }
    }

    static final AtomicInteger FIND_RUNS = new AtomicInteger();
    static final AtomicInteger SLOW_RUNS = new AtomicInteger();
    static volatile CountDownLatch release = new CountDownLatch(0);
    static volatile CountDownLatch entered = new CountDownLatch(0);
    /** Counted down by a throwing owner getter once it is called (inside the caching path, the load registered). */
    static volatile CountDownLatch failing = new CountDownLatch(0);
    /** What a throwing owner getter waits for before it throws. */
    static volatile CountDownLatch mayFail = new CountDownLatch(0);

    @CacheResult(key = "loads:{request.id}")
    @InvalidateCache(keys = "loads:list:{request.owner}", beforeInvocation = true)
    public String find(Request request) {
        FIND_RUNS.incrementAndGet();
        return "book " + request.getId();
    }

    @CacheResult(key = "slow:{id}")
    public String slow(String id) throws InterruptedException {
        if (SLOW_RUNS.incrementAndGet() == 1) {
            entered.countDown();
            release.await();
        }
        return "slow " + id;
    }
}
