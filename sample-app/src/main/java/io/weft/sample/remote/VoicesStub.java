package io.weft.sample.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.weft.sample.model.Voice;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * Plays the slow third-party voices API: {@code GET /voices} answers a JSON list of voices after
 * a fixed delay. Runs on its own loopback port in the sample app's JVM.
 */
public final class VoicesStub {

    private static final List<Voice> VOICES = List.of(
            new Voice("en-US-aria", "Aria", "en-US"),
            new Voice("en-US-guy", "Guy", "en-US"),
            new Voice("en-GB-ryan", "Ryan", "en-GB"),
            new Voice("en-GB-sonia", "Sonia", "en-GB"),
            new Voice("fr-FR-denise", "Denise", "fr-FR"),
            new Voice("de-DE-conrad", "Conrad", "de-DE"));

    private VoicesStub() {
    }

    /** Starts the stub and returns the URL of its voices list. */
    public static URI start(ObjectMapper json, long delayMillis) throws IOException {
        byte[] body = json.writeValueAsBytes(VOICES);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/voices", exchange -> answer(exchange, body, delayMillis));
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/voices");
    }

    private static void answer(HttpExchange exchange, byte[] body, long delayMillis) throws IOException {
        try (exchange) {
            Thread.sleep(delayMillis);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
