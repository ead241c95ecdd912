package io.weft.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free loopback ports for servers that a test starts on a port it chooses. A port found free can be taken
 * by another process before the server binds it, so a start is retried on a new port, as
 * {@code RedisFixture} does for its {@code redis-server}.
 */
public final class FreePorts {

    private static final int ATTEMPTS = 3;

    private FreePorts() {
    }

    /** Starts something on a given port. */
    public interface Start<T> {
        /** The started thing, or {@code null} when the port turned out to be taken (the start is retried). */
        T on(int port) throws Exception;
    }

    /** A loopback port that was free when this returned. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** Runs {@code start} on a free port, and on another one each time the port was taken, up to 3 times. */
    public static <T> T startOnAFreePort(String what, Start<T> start) throws Exception {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            T started = start.on(freePort());
            if (started != null) {
                return started;
            }
        }
        return fail(what + " found its port taken " + ATTEMPTS + " times in a row");
    }
}
