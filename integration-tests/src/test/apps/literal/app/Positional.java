package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.util.UUID;

/** SPEC §3's {@code {0}}, {@code {1}} and §5's payload names {@code arg0}, {@code arg1}, … for a class compiled without names. */
public class Positional {

    public enum Shelf { TOP }

    @CacheResult(key = "pos:{0}:{1}")
    public String get(String id, int n) {
        return id + n;
    }

    @InvalidateCache(keys = "pos:{0}:{1}", event = "pos.changed")
    public void update(String id, int n, UUID owner, boolean visible, Shelf shelf) {
    }
}
