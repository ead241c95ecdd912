package com.acme.app;

/** A value in a package the module neither exports nor opens. */
public record Book(String id, String title, int pages) {
}
