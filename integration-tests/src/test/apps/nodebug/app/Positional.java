package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.util.concurrent.atomic.AtomicInteger;

/** Compiled with and without parameter names: positions always work, names only when the class file keeps them. */
public class Positional {

    static final AtomicInteger POSITIONAL_RUNS = new AtomicInteger();
    static final AtomicInteger NAMED_RUNS = new AtomicInteger();

    @CacheResult(key = "nd:pos:{0}:{1}")
    public String positional(String region, int page) {
        POSITIONAL_RUNS.incrementAndGet();
        return region + "#" + page;
    }

    @InvalidateCache(keys = "nd:pos:{0}:{1}")
    public void touch(String region, int page) {
    }

    @CacheResult(key = "nd:named:{region}")
    public String named(String region) {
        NAMED_RUNS.incrementAndGet();
        return region.toUpperCase();
    }

    public static void main(String[] args) {
        Positional p = new Positional();
        p.positional("eu", 1);
        p.positional("eu", 1);
        System.out.println("CHECK positional.runs=" + POSITIONAL_RUNS.get());
        p.touch("eu", 1);
        p.positional("eu", 1);
        System.out.println("CHECK positional.runs.after.touch=" + POSITIONAL_RUNS.get());
        System.out.println("CHECK named=" + p.named("eu") + "," + p.named("eu"));
        System.out.println("CHECK named.runs=" + NAMED_RUNS.get());
        System.out.println("DONE");
    }
}
