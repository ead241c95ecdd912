package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.bootstrap.Dispatch;
import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.store.Background;
import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §10: the JDK's shared delay scheduler ({@code orTimeout}, {@code delayedExecutor}: Redis command timeouts,
 * Caffeine's expiry) is one thread per JVM, made by the first thread that uses it and keeping that thread's context
 * class loader for good. Starting the runtime makes it, as Weft's own code, so that a web application's request
 * thread that times out a Redis command first does not pin that application. In a JVM of its own (this test's JVM
 * has long made the thread), with no per-cache setting and no L1: before, only a per-cache setting made it at start.
 */
class DelaySchedulerLoaderTest {

    private static final String DELAY_SCHEDULER = "CompletableFutureDelayScheduler";

    /** What the child JVM runs: starts the runtime on a deploying application's thread, then times out a call. */
    public static final class Deploy {
        public static void main(String[] args) throws Exception {
            ClassLoader application = new URLClassLoader("a web application", new URL[0], null);
            WeftConfig config = new WeftConfig(ConfigSources.of(Map.of("weft.l1.maxSize", "0"), Map.of()));
            onTheApplicationsThread(application, () -> Background.asWeft(() -> CacheSystem.start(config)));
            onTheApplicationsThread(application, () -> new CompletableFuture<>().orTimeout(1, TimeUnit.MINUTES));
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().equals(DELAY_SCHEDULER)) {
                    ClassLoader loader = thread.getContextClassLoader();
                    System.out.println("DELAY SCHEDULER LOADER: "
                            + (loader == Background.class.getClassLoader() ? "Weft's" : loader + " named " + loader.getName()));
                }
            }
            System.exit(0);
        }

        private static void onTheApplicationsThread(ClassLoader application, Runnable task) throws InterruptedException {
            Thread thread = new Thread(task);
            thread.setContextClassLoader(application);
            thread.start();
            thread.join();
        }
    }

    @Test
    void theJdksDelaySchedulerKeepsWeftsContextLoaderNotTheFirstCallersApplications(@TempDir Path boot)
            throws Exception {
        for (String name : List.of("Dispatch", "Handler", "Hit", "Token")) {
            Path file = boot.resolve("io/weft/agent/bootstrap/" + name + ".class");
            Files.createDirectories(file.getParent());
            try (InputStream in = Dispatch.class.getResourceAsStream(name + ".class")) {
                Files.write(file, in.readAllBytes());
            }
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(List.of(java, "-Xbootclasspath/a:" + boot, "-cp",
                System.getProperty("java.class.path"), Deploy.class.getName())).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), output);
        assertFalse(output.contains("a web application"), output);
        if (Runtime.version().feature() < 25) {
            // from JDK 25 on, the delay scheduler is the common pool's, whose threads have the system loader
            assertTrue(output.contains("DELAY SCHEDULER LOADER: Weft's"), output);
        }
    }
}
