package io.weft.sample.model;

import java.util.UUID;

/** A user's profile: the name shown in the app and the voice that reads the stories aloud. */
public record UserProfile(UUID userId, String displayName, String voiceId) {
}
