package shared;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.util.List;

/** Keys from a property path, values through Redis: what a web application leaves in Jackson and in key readers. */
public class Shelf {
    private int runs;

    @CacheResult(key = "tc:shelf:{query.id}")
    public List<Item> find(Query query) {
        runs++;
        return List.of(new Item("shelf:" + query.id()));
    }

    @InvalidateCache(keys = "tc:shelf:{query.id}")
    public void update(Query query) {
    }

    public int runs() {
        return runs;
    }
}
