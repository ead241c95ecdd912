package io.weft.sample.model;

/** Changes to a profile; a {@code null} field is left unchanged. */
public record ProfilePatch(String displayName, String voiceId) {
}
