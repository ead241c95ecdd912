package io.weft.sample.model;

/** A text-to-speech voice offered by the remote voices API. */
public record Voice(String id, String name, String language) {
}
