package io.weft.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sample service running in its own JVM, with a small HTTP client for it. */
public final class SampleApp implements AutoCloseable {

    public static final String ALICE = "11111111-1111-1111-1111-111111111111";
    public static final String BOB = "22222222-2222-2222-2222-222222222222";
    /** Users without books, whose empty shelves rank as hot keys ({@link #callShelves}). */
    public static final String CAROL = "55555555-5555-5555-5555-555555555555";
    public static final String DAVE = "44444444-4444-4444-4444-444444444444";
    public static final String ERIN = "33333333-3333-3333-3333-333333333333";

    private final AppJvm jvm;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SampleApp(AppJvm jvm, int port) {
        this.jvm = jvm;
        this.base = "http://127.0.0.1:" + port;
    }

    /** Starts the sample app jar with the given JVM options and waits until it serves. */
    public static SampleApp start(AppJvm.Builder builder) throws Exception {
        AppJvm jvm = builder.property("sample.port", "0").jar(Paths.sampleAppJar()).start();
        String ready = jvm.awaitStdout(line -> line.startsWith("SAMPLE_APP_READY port="), Duration.ofSeconds(60));
        return new SampleApp(jvm, Integer.parseInt(ready.substring(ready.indexOf('=') + 1).trim()));
    }

    public AppJvm jvm() {
        return jvm;
    }

    /** Sends a request and returns the response, whatever its status. */
    public HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET expecting 200. */
    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", path, null);
        assertEquals(200, response.statusCode(), path + " -> " + response.body());
        return response.body();
    }

    /** How many times a cached method's body ran, from {@code /internal/stats}. */
    public long bodyRuns(String method) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("\"" + method + "\":(\\d+)").matcher(get("/internal/stats"));
        if (!m.find()) {
            throw new AssertionError("no counter " + method + " in /internal/stats");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Calls each user's shelf ({@code storybook:books:<user>}) as many times as given, the users in the order of their
     * ids (not of the counts); the first call loads the shelf, the others hit it. Returns the keys, most called first.
     */
    public List<String> callShelves(Map<String, Integer> calls) throws IOException, InterruptedException {
        for (Map.Entry<String, Integer> user : new TreeMap<>(calls).entrySet()) {
            for (int i = 0; i < user.getValue(); i++) {
                get("/api/v1/storybook/books?user=" + user.getKey());
            }
        }
        List<String> keys = new ArrayList<>();
        calls.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(user -> keys.add("storybook:books:" + user.getKey()));
        return keys;
    }

    /** The first {@code "field":"value"} string in a JSON text. */
    public static String field(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no field " + field + " in " + json);
        }
        return m.group(1);
    }

    @Override
    public void close() throws InterruptedException {
        jvm.close();
    }
}
