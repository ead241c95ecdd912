package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.TestCertificate;
import io.weft.it.support.AppJvm;
import io.weft.it.support.FreePorts;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SPEC §8: {@code rediss://} works against a {@code redis-server} that accepts TLS only. */
class RedisTlsTest {

    @Test
    void storesAndReadsOverTls() throws Exception {
        Path dir = Files.createTempDirectory(Paths.workDir(), "tls");
        TestCertificate certificate = TestCertificate.create(dir);
        TlsRedis tls = FreePorts.startOnAFreePort("redis-server over TLS", p -> TlsRedis.start(certificate, dir, p));
        Process redis = tls.process;
        int port = tls.port;
        try {
            Path classes = TestApps.compile("shared", List.of("-g"));
            try (AppJvm app = start(certificate, port, classes, "hold")) {
                app.awaitStdout("DONE"::equals, Duration.ofSeconds(60));
                assertEquals("5", app.checksSoFar().get("runs"));
                Await.until(Duration.ofSeconds(10), "the five values stored over TLS",
                        () -> cli(dir, port, "DBSIZE").equals("5"));
                assertEquals("1999", cli(dir, port, "GET", "shared:year:x"));
            }
            try (AppJvm reader = start(certificate, port, classes, "once")) {
                Map<String, String> read = reader.checks(Duration.ofSeconds(60));
                assertEquals("0", read.get("runs"), "every value read over TLS from Redis\n" + reader.transcript());
                assertEquals("1999", read.get("year"));
            }
        } finally {
            redis.destroy();
            if (!redis.waitFor(10, TimeUnit.SECONDS)) {
                redis.destroyForcibly();
            }
        }
    }

    /** An application JVM whose agent reaches the TLS-only Redis on {@code port} by {@code rediss://}. */
    private static AppJvm start(TestCertificate certificate, int port, Path classes, String mode) throws IOException {
        // the default weft.redis.timeout: the reader's first calls wait for a Redis that answers (over TLS too)
        return AppJvm.builder().property("weft.redis.uri", "rediss://127.0.0.1:" + port)
                .property("javax.net.ssl.trustStore", certificate.trustStore().toString())
                .property("javax.net.ssl.trustStorePassword", TestCertificate.TRUST_STORE_PASSWORD)
                .property("javax.net.ssl.trustStoreType", "PKCS12")
                .classpath(classes, Paths.annotationsJar()).main("app.LibraryMain", mode).start();
    }

    private static String cli(Path dir, int port, String... command) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--tls", "--cacert", "cert.pem", "-h", "127.0.0.1",
                "-p", String.valueOf(port)));
        cmd.addAll(List.of(command));
        try {
            return run(dir, cmd.toArray(new String[0])).trim();
        } catch (IOException | InterruptedException | AssertionError e) {
            return "";
        }
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0,
                String.join(" ", command) + " failed: " + output);
        return output;
    }

    /** A {@code redis-server} that accepts TLS only, on a port of loopback. */
    private static final class TlsRedis {
        final Process process;
        final int port;

        private TlsRedis(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        /** Starts it on {@code port} and waits until it answers; {@code null} when the port was taken. */
        static TlsRedis start(TestCertificate certificate, Path dir, int port) throws IOException {
            Path log = dir.resolve("redis-" + port + ".log");
            List<String> command = new ArrayList<>(List.of("redis-server", "--port", "0", "--bind", "127.0.0.1", "--save",
                    "", "--appendonly", "no"));
            command.addAll(certificate.serverArgs(port));
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                Await.until(Duration.ofSeconds(10), "redis-server answers over TLS or ends",
                        () -> !process.isAlive() || cli(dir, port, "PING").equals("PONG"));
            } catch (AssertionError e) {
                process.destroyForcibly();
                throw e;
            }
            if (process.isAlive()) {
                return new TlsRedis(process, port);
            }
            String output = Files.readString(log);
            assertTrue(output.contains("Address already in use"), "redis-server ended:\n" + output);
            return null;
        }
    }
}
