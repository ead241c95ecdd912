package io.weft.sample.model;

/** Changes to a book; a {@code null} field is left unchanged. */
public record BookPatch(String title, String author) {
}
