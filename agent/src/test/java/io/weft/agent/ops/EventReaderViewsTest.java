package io.weft.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.agent.cache.MethodTable;
import io.weft.agent.cache.RedisConnector;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.ops.testing.PromText;
import io.weft.agent.testing.Await;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import io.weft.agent.testing.WeftIds;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * SPEC §9: the event reader's figures (events received and their lag) reach {@code /health} and {@code /metrics}
 * from a real reader on a real {@code redis-server}, not only the reader's own counters.
 */
class EventReaderViewsTest {

    private static final String NS = "views:";

    private final OpsFixture fixture = new OpsFixture();

    @Test
    void anEventAnHourOldShowsAsAppliedWithAnHourOfLag() throws Exception {
        try (Closer closer = new Closer()) {
            RedisFixture redis = closer.later(RedisFixture.startLocal(null));
            WeftConfig config = OpsFixture.config("weft.redis.uri", redis.uri(), "weft.redis.timeout", "2s",
                    "weft.namespace", NS);
            RedisConnector connector = closer.later(RedisConnector.connect(fixture.runtime, config));
            Await.until("the event reader is at the end of its streams", () -> connector.reader().positioned());
            Snapshot.Parts parts = new Snapshot.Parts(fixture.caches, fixture.runtime, new MethodTable(),
                    () -> connector);

            Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
            redis.admin().xadd(NS + "events:cache.invalidated", Map.of("type", "cache.invalidated", "event",
                    "{\"type\":\"cache.invalidated\",\"payload\":{\"keys\":[\"books:1\"],\"prefixes\":[]},"
                    + "\"timestamp\":\"" + anHourAgo + "\",\"source\":\"" + WeftIds.of("other") + "\","
                    + "\"event_id\":\"" + UUID.randomUUID() + "\"}"));

            Await.until("the snapshot counts the event applied",
                    () -> Snapshot.take(parts, config, new Switches(), null, false).redis.eventsApplied == 1);
            Snapshot snapshot = Snapshot.take(parts, config, new Switches(), null, false);
            JsonNode events = new ObjectMapper().readTree(HealthJson.render(snapshot, -1)).get("events");
            assertTrue(events.get("lagMillis").asLong() >= Duration.ofMinutes(59).toMillis(), events.toString());
            PromText metrics = PromText.parse(PrometheusText.render(snapshot));
            assertEquals(1, metrics.value("weft_events_applied_total"));
            assertTrue(metrics.value("weft_events_lag_seconds") >= Duration.ofMinutes(59).toSeconds(),
                    metrics.family("weft_events_lag_seconds").samples.toString());
        }
    }
}
