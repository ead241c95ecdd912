package io.weft.agent.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The status page at {@code /}: one self-contained HTML file (inline style and script, no external
 * assets) that starts from the health JSON embedded at render time and then fetches {@code /health}
 * every two seconds.
 */
final class StatusPage {

    private static final String MARKER = "/*WEFT_INITIAL*/";
    private static volatile String template;

    private StatusPage() {
    }

    static String render(Snapshot snapshot, int httpPort) {
        // <, > and & occur only inside JSON strings, where \\u escapes mean the same: the embedded JSON then
        // cannot close the script element it sits in.
        String json = HealthJson.render(snapshot, httpPort).replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026");
        return template().replace(MARKER, json);
    }

    private static String template() {
        String page = template;
        if (page == null) {
            try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
                if (in == null) {
                    throw new IllegalStateException("status.html is missing from the agent jar");
                }
                page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            template = page;
        }
        return page;
    }
}
