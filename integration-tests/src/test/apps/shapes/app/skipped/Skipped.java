package app.skipped;

import io.weft.annotations.CacheResult;
import java.util.concurrent.atomic.AtomicInteger;

/** A cached method in a package of its own, for {@code weft.include} and {@code weft.exclude}. */
public class Skipped {

    public static final AtomicInteger RUNS = new AtomicInteger();

    @CacheResult(key = "skipped:{key}")
    public String lookup(String key) {
        RUNS.incrementAndGet();
        return "s-" + key;
    }
}
