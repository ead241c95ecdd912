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
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10 on JDK 21+ (the JDK 25 run): 10,000 virtual threads call one cold key with Redis configured; the body
 * runs once, nothing hangs, and a JFR recording (threshold 0) shows no virtual thread pinned in a Weft frame, and
 * no class loaded by Weft's code on a virtual thread. A virtual thread loading a class is pinned to its carrier, which
 * JFR reports only when it has to wait meanwhile (another thread reading the same jar, or initializing the class):
 * so the pins are a matter of timing (CI once saw the first {@code EVALSHA} pinned), the loads are not. One JVM of a
 * few seconds, on JDK 25 only.
 */
class VirtualThreadsTest {

    private static final String PINNED = "jdk.VirtualThreadPinned";
    private static final String CLASS_LOAD = "jdk.ClassLoad";

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
        List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
        List<RecordedEvent> pinned = events.stream()
                .filter(event -> event.getEventType().getName().equals(PINNED)).collect(Collectors.toList());
        assertTrue(pinned.stream().anyMatch(event -> inFrames(event, "app.VirtualThreadsMain$PinsOnPurpose")),
                "the recording sees the pinning done on purpose:\n" + stacks(pinned));
        List<RecordedEvent> byWeft = pinned.stream().filter(event -> inFrames(event, "io.weft.")).collect(Collectors.toList());
        assertTrue(byWeft.isEmpty(), byWeft.size() + " virtual thread(s) pinned in Weft's code:\n" + stacks(byWeft));
        List<RecordedEvent> loadedByWeft = events.stream().filter(event -> event.getEventType().getName().equals(CLASS_LOAD)
                && inFrames(event, "java.lang.VirtualThread") && inFrames(event, "io.weft.")).collect(Collectors.toList());
        assertTrue(loadedByWeft.isEmpty(), loadedByWeft.size() + " class(es) loaded by Weft's code on a virtual thread,"
                + " which pins it while it loads (a pin only JFR sees when another thread waits meanwhile):\n"
                + stacks(loadedByWeft));
    }

    private static boolean inFrames(RecordedEvent event, String typePrefix) {
        return event.getStackTrace() != null && event.getStackTrace().getFrames().stream()
                .anyMatch(frame -> frame.getMethod().getType().getName().startsWith(typePrefix));
    }

    /** The events' durations and stacks, for a failure message. */
    private static String stacks(List<RecordedEvent> events) {
        return events.stream().limit(5).map(event -> event.getDuration().toNanos() / 1000 + " us"
                + (event.hasField("pinnedReason") ? ", " + event.getString("pinnedReason") : "")
                + (event.hasField("loadedClass") ? ", " + event.<RecordedClass>getValue("loadedClass").getName() : "")
                + "\n" + event.getStackTrace()
                .getFrames().stream().map(VirtualThreadsTest::frame).collect(Collectors.joining("\n")))
                .collect(Collectors.joining("\n\n"));
    }

    private static String frame(RecordedFrame frame) {
        return "  at " + frame.getMethod().getType().getName() + "." + frame.getMethod().getName() + ":" + frame.getLineNumber();
    }
}
