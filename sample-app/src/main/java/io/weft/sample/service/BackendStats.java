package io.weft.sample.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many times each cached method's body actually ran. Fewer runs than requests is how an
 * outsider sees cache hits; served as JSON at {@code /internal/stats}.
 */
public final class BackendStats {

    final AtomicLong getBooks = new AtomicLong();
    final AtomicLong getBook = new AtomicLong();
    final AtomicLong getBooksByIds = new AtomicLong();
    final AtomicLong getProfile = new AtomicLong();
    final AtomicLong getVoices = new AtomicLong();

    /**
     * {@code {"dbLoads":{"getBooks":n,"getBook":n,"getBooksByIds":n,"getProfile":n},"remoteCalls":{"getVoices":n}}}.
     */
    public Map<String, Map<String, Long>> snapshot() {
        Map<String, Long> dbLoads = new LinkedHashMap<>();
        dbLoads.put("getBooks", getBooks.get());
        dbLoads.put("getBook", getBook.get());
        dbLoads.put("getBooksByIds", getBooksByIds.get());
        dbLoads.put("getProfile", getProfile.get());
        Map<String, Map<String, Long>> snapshot = new LinkedHashMap<>();
        snapshot.put("dbLoads", dbLoads);
        snapshot.put("remoteCalls", Map.of("getVoices", getVoices.get()));
        return snapshot;
    }
}
