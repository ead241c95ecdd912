package io.weft.sample.model;

import java.util.UUID;

/** A request to add a book to a user's shelf. */
public record NewBook(UUID userId, String title, String author) {
}
