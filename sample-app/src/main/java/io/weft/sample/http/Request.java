package io.weft.sample.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** One request as an {@link Endpoint} sees it: method, path below the endpoint's prefix, query, JSON body. */
final class Request {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final HttpExchange exchange;
    private final ObjectMapper json;
    private final String subPath;
    private final Map<String, String> query = new HashMap<>();

    Request(HttpExchange exchange, ObjectMapper json) {
        this.exchange = exchange;
        this.json = json;
        this.subPath = exchange.getRequestURI().getPath().substring(exchange.getHttpContext().getPath().length());
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                String[] nameValue = pair.split("=", 2);
                query.putIfAbsent(decode(nameValue[0]), nameValue.length == 2 ? decode(nameValue[1]) : "");
            }
        }
    }

    String method() {
        return exchange.getRequestMethod();
    }

    /** The path after the endpoint's prefix: {@code ""} for the prefix itself, {@code "/x"} below it. */
    String subPath() {
        return subPath;
    }

    /** 404 unless the path is the endpoint's prefix itself, 405 unless the method is {@code method}. */
    void expect(String method) {
        if (!subPath.isEmpty()) {
            throw notFound("no such endpoint");
        }
        if (!method().equals(method)) {
            throw methodNotAllowed();
        }
    }

    /** The required {@code user} query parameter: 400 if it is missing or not a UUID. */
    UUID user() {
        String user = query.get("user");
        if (user == null) {
            throw new HttpError(400, "missing query parameter 'user'");
        }
        if (!UUID_TEXT.matcher(user).matches()) {
            throw new HttpError(400, "query parameter 'user' is not a UUID: " + user);
        }
        return UUID.fromString(user);
    }

    /**
     * The optional {@code ids} query parameter, comma-separated UUIDs (at most 100): {@code null} when absent, 400
     * when one is not a UUID or there are too many.
     */
    List<UUID> ids() {
        String ids = query.get("ids");
        if (ids == null) {
            return null;
        }
        List<UUID> parsed = new ArrayList<>();
        for (String id : ids.split(",")) {
            if (!UUID_TEXT.matcher(id).matches()) {
                throw new HttpError(400, "query parameter 'ids' holds something that is not a UUID: " + id);
            }
            parsed.add(UUID.fromString(id));
        }
        if (parsed.size() > 100) {
            throw new HttpError(400, "query parameter 'ids' holds more than 100 ids");
        }
        return parsed;
    }

    /** The id in a path {@code /{id}} below the prefix: 404 for any other path. */
    UUID id() {
        String id = subPath.startsWith("/") ? subPath.substring(1) : "";
        if (!UUID_TEXT.matcher(id).matches()) {
            throw notFound("no such endpoint");
        }
        return UUID.fromString(id);
    }

    /** The JSON body as a {@code type}: 400 if it is missing or does not fit. */
    <T> T body(Class<T> type) throws IOException {
        try {
            T body = json.readValue(exchange.getRequestBody(), type);
            if (body == null) {
                throw new HttpError(400, "missing JSON body");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "bad JSON body: " + e.getOriginalMessage());
        }
    }

    HttpError methodNotAllowed() {
        return new HttpError(405, "method not allowed: " + method());
    }

    static HttpError notFound(String message) {
        return new HttpError(404, message);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
