package io.weft.agent.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The status page at {@code /}: one self-contained HTML file (inline style and script, no external
 * assets). The overall status and one row per cache are rendered into the HTML, so the page shows the
 * numbers without JavaScript; its script starts from the health JSON embedded at render time and then
 * fetches {@code /health} every two seconds.
 */
final class StatusPage {

    private static final String MARKER = "/*WEFT_INITIAL*/";
    private static final String STATUS_MARKER = "<!--WEFT_STATUS-->";
    private static final String ROWS_MARKER = "<!--WEFT_ROWS-->";
    private static volatile String template;

    private StatusPage() {
    }

    static String render(Snapshot snapshot, int httpPort) {
        // <, > and & occur only inside JSON strings, where \\u escapes mean the same: the embedded JSON then
        // cannot close the script element it sits in.
        String json = HealthJson.render(snapshot, httpPort).replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026");
        return template().replace(MARKER, json).replace(STATUS_MARKER, snapshot.status.name())
                .replace(ROWS_MARKER, rows(snapshot));
    }

    /** The cache table's rows, as the script renders them (the script replaces them on its first refresh). */
    static String rows(Snapshot snapshot) {
        if (snapshot.caches.isEmpty()) {
            return "<tr><td class=\"empty\" colspan=\"12\">No cache yet: caches appear as annotated classes load.</td></tr>";
        }
        StringBuilder html = new StringBuilder();
        for (Snapshot.CacheView c : snapshot.caches) {
            html.append("<tr data-cache=\"").append(escape(c.name)).append("\"><td class=\"name\">").append(escape(c.name))
                    .append("</td><td><span class=\"badge ").append(c.active ? "UP\">ON" : "OFF\">OFF").append("</span></td>")
                    .append("<td><span class=\"hit-ratio\">").append(String.format(Locale.ROOT, "%.1f%%", c.hitRatio * 100))
                    .append("</span></td>");
            cell(html, String.format(Locale.ROOT, "%,d", c.l1Hits));
            cell(html, String.format(Locale.ROOT, "%,d", c.l2Hits));
            cell(html, String.format(Locale.ROOT, "%,d", c.misses));
            html.append("<td class=\"entries\">").append(String.format(Locale.ROOT, "%,d", c.l1Entries)).append("</td>");
            cell(html, millis(c.loadP50Nanos));
            cell(html, millis(c.loadP99Nanos));
            cell(html, millis(c.loadMeanNanos()));
            cell(html, String.format(Locale.ROOT, "%,d / %,d / %,d", c.evictedBySize, c.expired, c.invalidated));
            html.append("<td class=\"hot\">").append(escape(String.join(", ", c.hotKeys))).append("</td>");
            html.append("</tr>");
        }
        return html.toString();
    }

    private static void cell(StringBuilder html, String text) {
        html.append("<td>").append(text).append("</td>");
    }

    private static String millis(long nanos) {
        return nanos == 0 ? "–" : String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
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
