package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.testing.Await;
import io.weft.it.support.AppJvm;
import io.weft.it.support.BootJar;
import io.weft.it.support.Paths;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10: beside the OpenTelemetry Java agent, in either order of the {@code -javaagent} flags, both work:
 * the Spring Boot fixture's calls are cached, and OpenTelemetry exports spans (its own JDBC instrumentation, and
 * a method that both agents instrument, {@code Catalog.price}). One Boot start with both agents per order and JDK.
 */
class OpenTelemetryAgentTest {

    @Test
    void weftFirst() throws Exception {
        check(otel(AppJvm.builder()).jvmOption("-javaagent:" + Paths.otelAgentJar()));
    }

    @Test
    void openTelemetryFirst() throws Exception {
        check(otel(AppJvm.builder()).jvmOptionBeforeAgent("-javaagent:" + Paths.otelAgentJar()));
    }

    /**
     * Exports spans as log lines only; instruments {@code Catalog.price}, which Weft caches, as a span too. Only the
     * JDBC and method instrumentations are on: the agent starts as usual, and the start takes half as long.
     */
    private static AppJvm.Builder otel(AppJvm.Builder builder) {
        return builder.property("otel.traces.exporter", "logging").property("otel.metrics.exporter", "none")
                .property("otel.logs.exporter", "none").property("otel.instrumentation.common.default-enabled", "false")
                .property("otel.instrumentation.jdbc.enabled", "true").property("otel.instrumentation.methods.enabled", "true")
                .property("otel.instrumentation.methods.include", "boot.app.Catalog[price]");
    }

    private static void check(AppJvm.Builder builder) throws Exception {
        try (BootJar app = BootJar.start(builder)) {
            for (int i = 0; i < 2; i++) {
                assertEquals("ot=200c", app.call("price ot"));
                assertEquals("28", app.call("balance otel"));
            }
            assertEquals(1, app.runs("price"), app.jvm().transcript());
            assertEquals(1, app.runs("balance"), app.jvm().transcript());
            Await.until(Duration.ofSeconds(20), "spans of both kinds exported", () -> exported(app, "'Catalog.price'")
                    && exported(app, "[tracer: io.opentelemetry.jdbc"));
        }
    }

    private static boolean exported(BootJar app, String span) {
        return app.jvm().transcript().lines().anyMatch(line -> line.contains("LoggingSpanExporter") && line.contains(span));
    }
}
