package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.agent.testing.TestCertificate;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RedisProbe} against real servers: ones that answer (plain, with a password, TLS), a stalled one, a closed port. */
class RedisProbeTest {

    private static final Duration TIMEOUT = Duration.ofMillis(250);

    @Test
    void aRunningRedisAnswers() {
        try (RedisFixture redis = RedisFixture.startLocal(null)) {
            assertTrue(RedisProbe.answers(redis.uri(), false, TIMEOUT));
            assertTrue(RedisProbe.answers("redis://" + redis.host() + ":" + redis.port(), true, TIMEOUT), "as a seed");
        }
    }

    @Test
    void aRedisThatAsksForAPasswordAnswersToo() {
        try (RedisFixture redis = RedisFixture.startLocal("s3cret")) {
            assertTrue(RedisProbe.answers("redis://" + redis.host() + ":" + redis.port(), false, TIMEOUT),
                    "NOAUTH is an answer: the client, with the password, will connect");
        }
    }

    @Test
    void aRedisServingTlsOnlyAnswers(@TempDir Path dir) throws Exception {
        TestCertificate certificate = TestCertificate.create(dir);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", "0", "--save", "", "--bind", "127.0.0.1"));
        command.addAll(certificate.serverArgs(port));
        Process redis = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        try {
            int tlsPort = port;
            Await.until("redis-server serving TLS on " + port, () -> accepts(tlsPort));
            assertTrue(RedisProbe.answers("rediss://127.0.0.1:" + port, false, TIMEOUT),
                    "it resets the plain-text PING at once: an answer");
            redis.destroy(); // SIGTERM: gone
            assertTrue(redis.waitFor(10, TimeUnit.SECONDS));
            assertFalse(RedisProbe.answers("rediss://127.0.0.1:" + port, false, TIMEOUT));
        } finally {
            redis.destroyForcibly();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aStalledRedisDoesNotAnswer() {
        try (RedisFixture redis = RedisFixture.startLocal(null)) {
            redis.suspend(); // the kernel still accepts its connections
            try {
                assertFalse(RedisProbe.answers(redis.uri(), false, TIMEOUT));
            } finally {
                redis.resume();
            }
        }
    }

    @Test
    void aClosedPortDoesNotAnswer() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertFalse(RedisProbe.answers("redis://127.0.0.1:" + port, false, TIMEOUT));
        assertFalse(RedisProbe.answers("not a uri", false, TIMEOUT), "a URI it cannot read: no answer, no exception");
    }
}
