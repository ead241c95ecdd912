package io.weft.it.ops;

import static org.junit.jupiter.api.Assertions.fail;

import io.weft.it.support.AppJvm;
import io.weft.it.support.Metrics;
import io.weft.it.support.Paths;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The agent's command line and its operations server, as an operator uses them. */
final class Operator {

    /** Lets a JDK 21+ target load the agent without a warning; ignored by older JVMs. */
    static final String[] DYNAMIC_AGENT_LOADING = {"-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading"};
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Operator() {
    }

    /** What a command printed and how it ended. */
    static final class Run {
        final int status;
        final String out;
        final String err;

        Run(int status, String out, String err) {
            this.status = status;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** {@code java -jar weft-agent.jar args…} with the launcher the application JVMs use. */
    static Run cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Paths.javaLauncher().toString(), "-jar", Paths.agentJar().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        byte[][] streams = new byte[2][];
        Thread errReader = new Thread(() -> {
            try {
                streams[1] = process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                streams[1] = new byte[0];
            }
        });
        errReader.start();
        streams[0] = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the agent's command line did not end within 60 s: " + command);
        }
        errReader.join(10_000);
        return new Run(process.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                new String(streams[1] == null ? new byte[0] : streams[1], StandardCharsets.UTF_8));
    }

    /** The operations port the agent in {@code jvm} announced on standard error. */
    static int port(AppJvm jvm) throws InterruptedException {
        return Metrics.port(jvm);
    }

    static HttpResponse<String> send(int port, String method, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(port, "GET", path, null);
        if (response.statusCode() != 200 && !(path.equals("/health") && response.statusCode() == 503)) {
            fail("GET " + path + " -> " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
