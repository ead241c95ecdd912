package com.acme.app;

import io.weft.annotations.CacheResult;
import java.util.concurrent.atomic.AtomicInteger;

/** A cached method of a named module, returning a record of a package the module does not open. */
public class Books {
    private int runs;

    @CacheResult(key = "jpms:book:{id}")
    public Book find(String id) {
        runs++;
        return new Book(id, "Title " + id, 100 + id.length());
    }

    private final AtomicInteger titleLoads = new AtomicInteger();

    /** Private, with refreshAfter: its background reload calls it reflectively, in a module that opens nothing. */
    @CacheResult(key = "jpms:title:{id}", ttl = "2s", refreshAfter = "1s")
    private String title(String id) {
        return "title " + id + " v" + titleLoads.incrementAndGet() + " on "
                + Thread.currentThread().getName().replaceAll("-\\d+$", "");
    }

    public String titleOf(String id) {
        return title(id);
    }

    public int runs() {
        return runs;
    }
}
