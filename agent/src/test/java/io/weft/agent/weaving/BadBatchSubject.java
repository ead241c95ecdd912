package io.weft.agent.weaving;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.util.List;
import java.util.Map;

/** Batch methods that are configuration errors (SPEC §7, §13). */
public class BadBatchSubject {

    @CacheResult(key = "p:{sku[*]}")
    public Map<String, Integer> notACollection(String sku) {
        return Map.of();
    }

    @CacheResult(key = "p:{a[*]}:{b[*]}")
    public Map<String, Integer> twoEach(List<String> a, List<String> b) {
        return Map.of();
    }

    @CacheResult(key = "p:{skus[*]}")
    public List<Integer> notAMap(List<String> skus) {
        return List.of();
    }

    @CacheResult(key = "p:{skus[*]}", tags = "t:{skus[*]}")
    public Map<String, Integer> eachTag(List<String> skus) {
        return Map.of();
    }

    @CacheResult(key = "p:{skus[*]}", sliding = true)
    public Map<String, Integer> sliding(List<String> skus) {
        return Map.of();
    }

    @InvalidateCache(prefixes = "p:{skus[*]}")
    public void eachPrefix(List<String> skus) {
    }

    @CacheResult(key = "q:{skus}", tags = "t:{skus[*]}")
    public Integer eachTagOnASingleMethod(List<String> skus) {
        return 1;
    }
}
