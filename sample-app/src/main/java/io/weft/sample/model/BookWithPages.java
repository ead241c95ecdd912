package io.weft.sample.model;

import java.util.List;

/** A book with all its pages, in page order: the result of the book + pages join. */
public record BookWithPages(Book book, List<Page> pages) {
}
