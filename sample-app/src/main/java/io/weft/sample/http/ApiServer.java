package io.weft.sample.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.weft.sample.service.BackendStats;
import io.weft.sample.service.BookService;
import io.weft.sample.service.UserService;
import io.weft.sample.service.VoiceService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** The sample app's HTTP API on the JDK's built-in server, bound to 127.0.0.1. */
public final class ApiServer {

    private static final int THREADS = 16;

    private ApiServer() {
    }

    /** Starts the server on {@code port} ({@code 0}: an ephemeral one); every response carries {@code X-Instance: instance}. */
    public static HttpServer start(int port, String instance, ObjectMapper json, BookService books, UserService users,
                                   VoiceService voices, BackendStats stats) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(Executors.newFixedThreadPool(THREADS));
        server.createContext("/api/v1/storybook/books", new JsonHandler(new BookEndpoints(books), json, instance));
        server.createContext("/api/v1/user/me", new JsonHandler(new UserEndpoints(users), json, instance));
        server.createContext("/api/v1/tts/voices", new JsonHandler(request -> {
            request.expect("GET");
            return Response.ok(voices.getVoices());
        }, json, instance));
        server.createContext("/internal/stats", new JsonHandler(request -> {
            request.expect("GET");
            return Response.ok(stats.snapshot());
        }, json, instance));
        server.createContext("/", new JsonHandler(request -> {
            throw Request.notFound("no such endpoint");
        }, json, instance));
        server.start();
        return server;
    }
}
