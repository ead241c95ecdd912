package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/** Weft's threads keep nothing of the application thread that happens to create them (SPEC §10). */
class BackgroundTest {

    @Test
    void aThreadMadeOnAnApplicationsThreadDoesNotKeepItsContextClassLoader() throws Exception {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        try (URLClassLoader application = new URLClassLoader(new URL[0], null)) {
            current.setContextClassLoader(application);
            Thread thread = Background.daemon(() -> { }, "weft-test");
            assertSame(Background.class.getClassLoader(), thread.getContextClassLoader(),
                    "the application's loader would live as long as the thread");
            assertTrue(thread.isDaemon());
        } finally {
            current.setContextClassLoader(previous);
        }
    }
}
