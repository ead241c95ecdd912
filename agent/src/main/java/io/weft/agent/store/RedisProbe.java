package io.weft.agent.store;

import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Whether the server {@code weft.redis.uri} names answers at all, found with the JDK's own socket in one round trip,
 * before the Redis client (a couple of thousand classes, a second or more at a JVM's start) is set up. So a caller's
 * first miss can tell a Redis worth waiting for (it answers; the client is still being made) from one that is down
 * or stalled (it does not answer within {@code weft.redis.timeout}).
 *
 * <p>It sends {@code PING} in plain text and takes any outcome but silence as an answer: a reply (an error such as
 * {@code NOAUTH} too), or the connection closed or reset by the server (a TLS port resets plain text at once). A
 * stalled server, whose kernel still accepts the connection, stays silent. For a Sentinel-managed master it asks the
 * first Sentinel; for a Cluster, the first seed.
 */
public final class RedisProbe {

    private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

    private RedisProbe() {
    }

    /** Whether the first server of {@code uri} answers, each step waiting at most {@code timeout}; never throws. */
    public static boolean answers(String uri, boolean cluster, Duration timeout) {
        try {
            RedisURI first = RedisUris.parse(uri, cluster).get(0);
            RedisURI server = first.getSentinels().isEmpty() ? first : first.getSentinels().get(0);
            return server.getHost() != null && answers(server.getHost(), server.getPort(), timeout); // else a Unix socket
        } catch (RuntimeException e) {
            return false;
        }
    }

    static boolean answers(String host, int port, Duration timeout) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), millis);
                socket.setSoTimeout(millis);
            } catch (IOException | RuntimeException e) {
                return false; // refused, unreachable, or not accepted in time
            }
            try {
                socket.getOutputStream().write(PING);
                socket.getInputStream().read();
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // closed or reset by the server, which took the bytes: it runs
            }
        } catch (IOException e) {
            return false;
        }
    }
}
