package io.weft.sample.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.weft.sample.store.NotFoundException;
import java.io.IOException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Adapts an {@link Endpoint} to the JDK server: JSON bodies, the {@code X-Instance} header on every
 * response, and errors as JSON {@code {"error": message}} with their status (500 for the unexpected).
 */
final class JsonHandler implements HttpHandler {

    private static final Logger LOG = Logger.getLogger(JsonHandler.class.getName());

    private final Endpoint endpoint;
    private final ObjectMapper json;
    private final String instance;

    JsonHandler(Endpoint endpoint, ObjectMapper json, String instance) {
        this.endpoint = endpoint;
        this.json = json;
        this.instance = instance;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status;
            byte[] body;
            try {
                Response response = endpoint.handle(new Request(exchange, json));
                status = response.status();
                body = response.body() == null ? null : json.writeValueAsBytes(response.body());
            } catch (HttpError e) {
                status = e.status;
                body = error(e.getMessage());
            } catch (NotFoundException e) {
                status = 404;
                body = error(e.getMessage());
            } catch (Exception e) {
                LOG.log(Level.WARNING, exchange.getRequestMethod() + " " + exchange.getRequestURI() + " failed", e);
                status = 500;
                body = error("internal error: " + e);
            }
            exchange.getResponseHeaders().set("X-Instance", instance);
            if (body == null) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
        }
    }

    private byte[] error(String message) throws IOException {
        return json.writeValueAsBytes(Map.of("error", message));
    }
}
