package io.weft.sample.model;

import java.time.Instant;
import java.util.UUID;

/** A book on a user's shelf, without its pages. */
public record Book(UUID id, UUID userId, String title, String author, Instant updatedAt) {
}
