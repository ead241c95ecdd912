package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runtime's start initializes the classes that callers of a first call need, in a JVM of its own (class
 * initialization happens once per JVM, and this test's JVM has long done it): a class that the first of many
 * virtual threads initialized would pin the others that wait for it (SPEC §10).
 */
class FirstCallWarmUpTest {

    /** What the child JVM runs: starts a runtime, says so, and exits without making a call. */
    public static final class StartOnly {
        public static void main(String[] args) {
            new CacheRuntime(new MethodTable(), new LoaderScopes(), 100, TimeUnit.MINUTES.toNanos(1),
                    Duration.ofSeconds(5), Ticker.systemTicker(), Ticker.systemTicker());
            System.out.println("RUNTIME STARTED");
        }
    }

    @Test
    void startingTheRuntimeInitializesTheTimedWaitsOfACallerThatJoinsALoadAndOfRedisCommands() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(List.of(java, "-Xlog:class+init=info", "-cp",
                System.getProperty("java.class.path"), StartOnly.class.getName())).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), output);

        int started = output.indexOf("RUNTIME STARTED");
        int signaller = output.indexOf("Initializing 'java/util/concurrent/CompletableFuture$Signaller'");
        assertTrue(started > 0, output);
        assertTrue(signaller > 0 && signaller < started,
                "CompletableFuture's Signaller (a timed wait's node) is initialized before the runtime is up");
        for (String bound : List.of("Canceller", "Timeout")) {
            int initialized = output.indexOf("Initializing 'java/util/concurrent/CompletableFuture$" + bound + "'");
            assertTrue(initialized > 0 && initialized < started, "CompletableFuture's " + bound + " (every Redis"
                    + " command's orTimeout) is initialized before the runtime is up, not by a virtual thread's store");
        }
    }
}
