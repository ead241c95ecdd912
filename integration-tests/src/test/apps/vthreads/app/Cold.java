package app;

import io.weft.annotations.CacheResult;
import java.util.concurrent.atomic.AtomicInteger;

/** A slow load, so that every caller arrives while the first one's load is in flight. */
public class Cold {
    final AtomicInteger runs = new AtomicInteger();

    @CacheResult(key = "vt:cold:{id}")
    public String load(String id) throws InterruptedException {
        int run = runs.incrementAndGet();
        Thread.sleep(500);
        return id + "#" + run;
    }
}
