package com.acme.app;

import io.weft.annotations.CacheResult;

/** A cached method of a named module, returning a record of a package the module does not open. */
public class Books {
    private int runs;

    @CacheResult(key = "jpms:book:{id}")
    public Book find(String id) {
        runs++;
        return new Book(id, "Title " + id, 100 + id.length());
    }

    public int runs() {
        return runs;
    }
}
