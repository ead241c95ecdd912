package io.weft.agent.weaving;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Batch methods and a single-element method sharing their keys, woven by {@link BatchWeavingTest}. A price is the
 * SKU's length plus 100 × {@link #version}; SKUs that start with {@code none} have no price (left out of the map).
 */
public class BatchSubject {

    /** What each body received: its batch argument itself (a list, a set or an array), or the single SKU. */
    public final List<Object> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    public int version;
    /** When set, the single-element method waits for it (a load in flight that a batch must join). */
    public volatile CountDownLatch hold;
    /** When set, the list batch method waits for it (its loads stay in flight). */
    public volatile CountDownLatch holdBatch;

    private Integer value(String sku) {
        return sku.startsWith("none") ? null : 100 * version + sku.length();
    }

    private Map<String, Integer> values(Collection<String> skus) {
        Map<String, Integer> prices = new LinkedHashMap<>();
        for (String sku : skus) {
            if (value(sku) != null) {
                prices.put(sku, value(sku));
            }
        }
        return prices;
    }

    @CacheResult(key = "price:{sku}", ttl = "1h")
    public Integer price(String sku) throws InterruptedException {
        calls.add(sku);
        CountDownLatch latch = hold;
        if (latch != null) {
            latch.await(10, TimeUnit.SECONDS);
        }
        return value(sku);
    }

    @CacheResult(key = "price:{skus[*]}", ttl = "1h")
    public Map<String, Integer> prices(List<String> skus) throws InterruptedException {
        calls.add(skus);
        CountDownLatch latch = holdBatch;
        if (latch != null) {
            latch.await(10, TimeUnit.SECONDS);
        }
        return values(skus);
    }

    /** A static batch method, its parameter in slot 0. */
    @CacheResult(key = "price:{0[*]}", ttl = "1h")
    public static Map<String, Integer> staticPrices(String[] skus) {
        Map<String, Integer> prices = new LinkedHashMap<>();
        for (String sku : skus) {
            prices.put(sku, -sku.length());
        }
        return prices;
    }

    @CacheResult(key = "price:{skus[*]}", ttl = "1h")
    public Map<String, Integer> pricesOfSet(Set<String> skus) {
        calls.add(skus);
        return values(skus);
    }

    @CacheResult(key = "price:{skus[*]}", ttl = "1h")
    public Map<String, Integer> pricesOfSortedSet(java.util.SortedSet<String> skus) {
        calls.add(skus);
        return values(skus);
    }

    @CacheResult(key = "price:{skus[*]}", ttl = "1h")
    public Map<String, Integer> pricesOfQueue(java.util.Queue<String> skus) {
        calls.add(skus);
        return values(skus);
    }

    @CacheResult(key = "price:{skus[*]}", ttl = "1h")
    public Map<String, Integer> pricesOfArray(String[] skus) {
        calls.add(skus);
        return values(List.of(skus));
    }

    @CacheResult(key = "price:{skus[*]}", ttl = "1h", cacheNull = true)
    public Map<String, Integer> pricesOrNone(List<String> skus) {
        calls.add(skus);
        return values(skus);
    }

    /** A wide parameter before the batch one, and the batch parameter read after a local of its own. */
    @CacheResult(key = "regional:{region}:{skus[*]}", ttl = "1h")
    public Map<String, Integer> regional(long region, List<String> skus) {
        long first = region * 2;
        calls.add(skus);
        Map<String, Integer> prices = values(skus);
        prices.replaceAll((sku, price) -> price + (int) first);
        return prices;
    }

    @CacheResult(key = "price:{skus[*]}", ttl = "1h")
    public Map<String, Integer> failing(List<String> skus) {
        calls.add(skus);
        throw new IllegalStateException("the price service is down");
    }

    @InvalidateCache(keys = "price:{skus[*]}")
    public void reprice(List<String> skus) {
        version++;
    }

    /** A batch method that also invalidates (SPEC §5: only when its body runs): a restock changes the prices. */
    @CacheResult(key = "stock:{skus[*]}", ttl = "1h")
    @InvalidateCache(keys = "price:{skus[*]}")
    public Map<String, Integer> restock(List<String> skus) {
        calls.add(skus);
        version++;
        return values(skus);
    }
}
