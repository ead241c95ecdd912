package shared;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;

/** The same class, key templates and keys in every web application; only the data differs. */
public class Svc {
    private final String app;
    private int runs;

    public Svc(String app) {
        this.app = app;
    }

    @CacheResult(key = "tc:val:{id}")
    public Val get(String id) {
        runs++;
        return new Val(app + ":" + id);
    }

    @CacheResult(key = "tc:name:{id}")
    public String name(String id) {
        runs++;
        return app + ":" + id;
    }

    @InvalidateCache(keys = "tc:val:{id}")
    public void update(String id) {
    }

    public int runs() {
        return runs;
    }
}
