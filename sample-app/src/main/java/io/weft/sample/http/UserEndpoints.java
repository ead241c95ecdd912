package io.weft.sample.http;

import io.weft.sample.model.ProfilePatch;
import io.weft.sample.model.UserProfile;
import io.weft.sample.service.UserService;
import java.io.IOException;
import java.util.UUID;

/** {@code /api/v1/user/me?user=}: the user's own profile. */
final class UserEndpoints implements Endpoint {

    private final UserService users;

    UserEndpoints(UserService users) {
        this.users = users;
    }

    @Override
    public Response handle(Request request) throws IOException {
        if (!request.subPath().isEmpty()) {
            throw Request.notFound("no such endpoint");
        }
        UUID user = request.user();
        return switch (request.method()) {
            case "GET" -> {
                UserProfile profile = users.getProfile(user);
                if (profile == null) {
                    throw Request.notFound("no user " + user);
                }
                yield Response.ok(profile);
            }
            case "PUT" -> Response.ok(users.updateProfile(user, request.body(ProfilePatch.class)));
            default -> throw request.methodNotAllowed();
        };
    }
}
