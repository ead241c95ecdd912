package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent must not break the application: weaving its first class must not start {@code java.util.logging}'s
 * {@code LogManager}, or an application that chooses its own manager in {@code main} (the Log4j and JBoss bridges)
 * silently gets the JDK's. Caffeine's {@code System.getLogger}, called from outside the JDK's modules, started it.
 */
class LogManagerTest {

    private static final Duration RUN = Duration.ofSeconds(60);

    @Test
    void anApplicationChoosesItsOwnLogManagerAfterItsFirstClassWasWoven() throws Exception {
        try (AppJvm app = AppJvm.builder()
                .classpath(TestApps.compile("logmanager", List.of("-g")), Paths.annotationsJar())
                .main("app.OwnLogManager").start()) {
            String result = app.awaitStdout(line -> line.startsWith("RESULT "), RUN);

            assertEquals(0, app.awaitExit(RUN), app.transcript());
            assertEquals("RESULT hello a runs=1 manager=app.OwnLogManager$Manager", result, app.transcript());
        }
    }
}
