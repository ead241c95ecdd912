package io.weft.sample.store;

import io.weft.sample.model.ProfilePatch;
import io.weft.sample.model.UserProfile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** User profiles in the table {@code sample_users}. */
public final class UserRepository {

    private final Database db;

    public UserRepository(Database db) {
        this.db = db;
    }

    public Optional<UserProfile> find(UUID userId) {
        return db.read(c -> find(c, userId));
    }

    /** Applies the patch to the profile; empty if the user does not exist. */
    public Optional<UserProfile> update(UUID userId, ProfilePatch patch) {
        return db.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE sample_users"
                    + " SET display_name = COALESCE(?, display_name), voice_id = COALESCE(?, voice_id) WHERE id = ?")) {
                ps.setString(1, patch.displayName());
                ps.setString(2, patch.voiceId());
                ps.setObject(3, userId);
                if (ps.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            return find(c, userId);
        });
    }

    static void insert(Connection c, UserProfile profile) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sample_users (id, display_name, voice_id) VALUES (?, ?, ?)")) {
            ps.setObject(1, profile.userId());
            ps.setString(2, profile.displayName());
            ps.setString(3, profile.voiceId());
            ps.executeUpdate();
        }
    }

    static boolean exists(Connection c, UUID userId) throws SQLException {
        return find(c, userId).isPresent();
    }

    private static Optional<UserProfile> find(Connection c, UUID userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT display_name, voice_id FROM sample_users WHERE id = ?")) {
            ps.setObject(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new UserProfile(userId, rs.getString("display_name"), rs.getString("voice_id")))
                        : Optional.empty();
            }
        }
    }
}
