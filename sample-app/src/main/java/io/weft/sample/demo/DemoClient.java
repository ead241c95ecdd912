package io.weft.sample.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** HTTP calls to one running sample app, as the demo makes them. */
final class DemoClient {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;

    DemoClient(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    static String bookPath(UUID user, UUID book) {
        return "/api/v1/storybook/books/" + book + "?user=" + user;
    }

    /** GET expecting 200. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve(path)).GET());
        expectOk(response, "GET " + path);
        return response;
    }

    /** The title of the book at {@code path}. */
    String title(String path) throws IOException, InterruptedException {
        return JSON.readTree(get(path).body()).at("/book/title").asText();
    }

    /** PUT of a JSON object, expecting 200. */
    void put(String path, Map<String, String> body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve(path))
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        expectOk(response, "PUT " + path);
    }

    /** A counter of {@code /internal/stats}, by JSON pointer: how often a cached method's body ran. */
    long counter(String pointer) throws IOException, InterruptedException {
        JsonNode value = JSON.readTree(get("/internal/stats").body()).at(pointer);
        if (!value.isNumber()) {
            throw new IllegalStateException("/internal/stats has no number at " + pointer);
        }
        return value.asLong();
    }

    /** Milliseconds one GET took. */
    double timedGet(String path) throws IOException, InterruptedException {
        long start = System.nanoTime();
        get(path);
        return (System.nanoTime() - start) / 1e6;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expectOk(HttpResponse<String> response, String what) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(what + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
    }
}
