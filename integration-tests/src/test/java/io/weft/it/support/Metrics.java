package io.weft.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.ops.testing.PromText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's {@code /metrics} of an application JVM started with {@code weft.http.port} (usually {@code 0}),
 * parsed by {@link PromText} so that tests read numbers by name and labels, never log text.
 */
public final class Metrics {

    private static final Pattern OPS_LINE = Pattern.compile("operations on http://127\\.0\\.0\\.1:(\\d+)/");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Metrics() {
    }

    /** The operations port the agent in {@code jvm} announced on standard error (waits for the line). */
    public static int port(AppJvm jvm) throws InterruptedException {
        Matcher m = OPS_LINE.matcher(jvm.awaitStderr(line -> OPS_LINE.matcher(line).find(), Duration.ofSeconds(30)));
        if (!m.find()) {
            throw new AssertionError("no operations line");
        }
        return Integer.parseInt(m.group(1));
    }

    /** The metrics of {@code jvm} now; unchecked, so that it can be polled inside {@code Await.until}. */
    public static PromText of(AppJvm jvm) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(jvm) + "/metrics"))
                    .timeout(Duration.ofSeconds(20)).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return PromText.parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One value of the metrics of {@code jvm} now ({@code labels} as {@code k, v, k, v …}). */
    public static double value(AppJvm jvm, String name, String... labels) {
        return of(jvm).value(name, labels);
    }
}
