package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The shutdown hook of a shared level being connected (SharedLevels): it waits for the connection only when
 * invalidations made meanwhile need it, and closes the connector (sending what is queued) once it is open.
 */
class ExitHookTest {

    /** A connection still being set up, which records whether the hook waited for it. */
    private static final class Connecting extends CompletableFuture<SharedConnector> {
        final AtomicInteger waits = new AtomicInteger();

        @Override
        public SharedConnector get(long timeout, TimeUnit unit) throws TimeoutException {
            waits.incrementAndGet();
            throw new TimeoutException("never connects in this test");
        }
    }

    /** A connector that counts its closes (its other methods are not called here). */
    private static SharedConnector counting(AtomicInteger closes) {
        return (SharedConnector) Proxy.newProxyInstance(ExitHookTest.class.getClassLoader(),
                new Class<?>[] {SharedConnector.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("close")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    closes.incrementAndGet();
                    return null;
                });
    }

    @Test
    void aJvmWithNothingToSendDoesNotWaitForTheConnection() {
        Connecting connecting = new Connecting();
        SharedLevels.closeOnceConnected(connecting, () -> false, Duration.ofSeconds(3));
        assertEquals(0, connecting.waits.get(), "nothing waits to be sent: the JVM exits at once");
    }

    @Test
    void invalidationsMadeWhileConnectingAreWaitedFor() {
        Connecting connecting = new Connecting();
        SharedLevels.closeOnceConnected(connecting, () -> true, Duration.ofMillis(1));
        assertEquals(1, connecting.waits.get());
    }

    @Test
    void anOpenConnectorIsClosedAtExitWhateverWaits() {
        AtomicInteger closes = new AtomicInteger();
        SharedLevels.closeOnceConnected(CompletableFuture.completedFuture(counting(closes)), () -> false,
                Duration.ofSeconds(3));
        assertEquals(1, closes.get(), "closed: its queued events are sent");
    }
}
