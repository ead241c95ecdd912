package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10: a thread that Weft, Netty or the JDK makes on an application's thread (the runtime started on the first
 * woven class, a web application's; Netty's executors started by their first task) keeps Weft's context class
 * loader, not the application's, so an undeployed application is collected. Before, Weft's clock, event and Redis
 * threads kept the loader of whichever web application's class was woven first (TomcatTest failed when it was the
 * one redeployed).
 */
class CleanThreadsTest {

    private static final ClassLoader WEFT = Background.class.getClassLoader();

    /** What {@code maker} returns, called on a thread whose context class loader is an application's. */
    private static <T> T onAnApplicationsThread(Supplier<T> maker) throws InterruptedException {
        ClassLoader application = new URLClassLoader("a web application", new URL[0], null);
        AtomicReference<T> made = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            made.set(maker.get());
            assertSame(application, Thread.currentThread().getContextClassLoader(), "the caller's loader is back");
        });
        caller.setContextClassLoader(application);
        caller.start();
        caller.join();
        return made.get();
    }

    @Test
    void nettysThreadsKeepWeftsContextLoader() throws Exception {
        Thread thread = onAnApplicationsThread(() -> new NettyThreads("computation").newThread(() -> { }));
        assertSame(WEFT, thread.getContextClassLoader());
        assertTrue(thread.isDaemon());
        assertTrue(thread.getName().startsWith("weft-computation-"), thread.getName());
    }

    @Test
    void weftsOwnThreadsKeepWeftsContextLoader() throws Exception {
        assertSame(WEFT, onAnApplicationsThread(() -> Background.daemon(() -> { }, "t")).getContextClassLoader());
    }

    @Test
    void threadsAnyoneMakesWhileTheRuntimeStartsKeepWeftsContextLoader() throws Exception {
        Thread thread = onAnApplicationsThread(() -> Background.asWeft(() -> new Thread(() -> { })));
        assertSame(WEFT, thread.getContextClassLoader());
    }
}
