package io.weft.sample.service;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import io.weft.sample.model.ProfilePatch;
import io.weft.sample.model.UserProfile;
import io.weft.sample.store.NotFoundException;
import io.weft.sample.store.UserRepository;
import java.util.UUID;

/** User profiles: cached for half an hour, evicted when the user edits theirs. */
public class UserService {

    private final UserRepository users;
    private final BackendStats stats;

    public UserService(UserRepository users, BackendStats stats) {
        this.users = users;
        this.stats = stats;
    }

    /** The profile, or {@code null} if there is no such user (not cached). */
    @CacheResult(key = "user:profile:{userId}", ttl = "30m")
    public UserProfile getProfile(UUID userId) {
        stats.getProfile.incrementAndGet();
        return users.find(userId).orElse(null);
    }

    @InvalidateCache(keys = "user:profile:{userId}", event = "user.updated")
    public UserProfile updateProfile(UUID userId, ProfilePatch patch) {
        return users.update(userId, patch).orElseThrow(() -> new NotFoundException("no user " + userId));
    }
}
