package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the agent costs a JVM's start (issue 14 §4): on the way from {@code premain} to the first woven call's return,
 * Weft's code makes no lambda. The JVM spins a class at run time for each one (with its method handles), which took
 * about a tenth of the agent's whole start when some thirty did; its own classes are read from the class image.
 */
class StartPathTest {

    private static final Duration RUN = Duration.ofSeconds(60);

    @Test
    void weftMakesNoLambdaOnTheWayToTheFirstCachedCall() throws Exception {
        Path classes = TestApps.compile("firstcall", List.of("-g"));
        Path log = Files.createTempFile(Paths.workDir(), "start-path-", ".log");
        try (AppJvm app = AppJvm.builder()
                .classpath(classes)
                .jvmOption("-Xlog:class+load=info:file=" + log)
                .main("app.FirstCall").start()) {
            String result = app.awaitStdout(line -> line.startsWith("RESULT "), RUN);

            assertEquals(0, app.awaitExit(RUN), app.transcript());
            assertEquals("RESULT hello a runs=1", result, app.transcript());
        }
        List<String> loaded = Files.readAllLines(log);
        assertTrue(loaded.stream().anyMatch(line -> line.contains("io.weft.agent.cache.CacheRuntime ")),
                "the log shows the runtime's classes as they load: " + loaded.size() + " lines");
        List<String> lambdas = loaded.stream()
                .filter(line -> line.contains(" io.weft.agent.") && line.contains("$$Lambda"))
                .collect(Collectors.toList());
        assertEquals(List.of(), lambdas, "lambdas Weft made at start");
    }
}
