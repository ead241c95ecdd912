package plugin;

import io.weft.annotations.CacheResult;
import java.util.concurrent.atomic.AtomicInteger;

/** A plugin class defined by a child-first loader. */
public class PriceList {

    private final AtomicInteger runs = new AtomicInteger();

    @CacheResult(key = "plugin:price:{item}")
    public String price(String item) {
        runs.incrementAndGet();
        return item + "=" + (item.length() * 10);
    }

    public int runs() {
        return runs.get();
    }
}
