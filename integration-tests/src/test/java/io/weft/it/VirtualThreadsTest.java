package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10 on JDK 21+ (the JDK 25 run): 10,000 virtual threads call one cold key with Redis configured; the body
 * runs once, nothing hangs, and a JFR recording of every pinned virtual thread (threshold 0) shows none pinned in a
 * Weft frame. One JVM of a few seconds, on JDK 25 only.
 *
 * <p>It fails in about half of the runs on a 2-core machine while the runtime loads and initializes the classes of
 * the first call's path on the callers' threads ({@code Load} and {@code CompletableFuture} in
 * {@code CacheRuntime.beginLoad}, Caffeine's stats counter in {@code LocalCache.get}): the virtual threads that wait
 * for another thread's class loading or initialization are pinned (issue 12, item 5).
 */
class VirtualThreadsTest {

    private static final String PINNED = "jdk.VirtualThreadPinned";

    @Test
    void tenThousandVirtualThreadsOnAColdKeyRunTheBodyOnceAndWeftPinsNone() throws Exception {
        assumeTrue(Paths.javaFeatureVersion() >= 21, "virtual threads need JDK 21+; runs in the JDK 25 execution");
        Path app = TestApps.compile("vthreads/app", List.of("-g"));
        Path recording = Paths.workDir().resolve("virtual-threads.jfr");
        Files.deleteIfExists(recording);
        try (RedisFixture redis = RedisFixture.start();
                AppJvm jvm = AppJvm.builder().property("weft.redis.uri", redis.uri())
                        .jvmOption("-XX:StartFlightRecording=filename=" + recording + ",dumponexit=true,settings="
                                + Paths.appSources().resolve("vthreads/pinning.jfc"))
                        .jvmOption("-XX:FlightRecorderOptions:stackdepth=256")
                        .classpath(app, Paths.annotationsJar()).main("app.VirtualThreadsMain", "10000").start()) {
            Map<String, String> checks = jvm.checks(Duration.ofSeconds(120));
            assertEquals("1", checks.get("runs"), jvm.transcript());
            assertEquals("[k#1]", checks.get("values"));
        }
        List<RecordedEvent> pinned = RecordingFile.readAllEvents(recording).stream()
                .filter(event -> event.getEventType().getName().equals(PINNED)).collect(Collectors.toList());
        assertTrue(pinned.stream().anyMatch(event -> inFrames(event, "app.VirtualThreadsMain$PinsOnPurpose")),
                "the recording sees the pinning done on purpose:\n" + stacks(pinned));
        List<RecordedEvent> byWeft = pinned.stream().filter(event -> inFrames(event, "io.weft.")).collect(Collectors.toList());
        assertTrue(byWeft.isEmpty(), byWeft.size() + " virtual thread(s) pinned in Weft's code:\n" + stacks(byWeft));
    }

    private static boolean inFrames(RecordedEvent event, String typePrefix) {
        return event.getStackTrace() != null && event.getStackTrace().getFrames().stream()
                .anyMatch(frame -> frame.getMethod().getType().getName().startsWith(typePrefix));
    }

    /** The events' durations and stacks, for a failure message. */
    private static String stacks(List<RecordedEvent> events) {
        return events.stream().limit(5).map(event -> event.getDuration().toNanos() / 1000 + " us"
                + (event.hasField("pinnedReason") ? ", " + event.getString("pinnedReason") : "") + "\n" + event.getStackTrace()
                .getFrames().stream().map(VirtualThreadsTest::frame).collect(Collectors.joining("\n")))
                .collect(Collectors.joining("\n\n"));
    }

    private static String frame(RecordedFrame frame) {
        return "  at " + frame.getMethod().getType().getName() + "." + frame.getMethod().getName() + ":" + frame.getLineNumber();
    }
}
