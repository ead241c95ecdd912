package io.weft.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code 127.0.0.1} made by {@code openssl} ({@code cert.pem}, {@code key.pem})
 * for {@code redis-server --tls-*}, and a PKCS12 trust store holding it for the JVM's
 * {@code javax.net.ssl.trustStore}.
 */
public final class TestCertificate {

    /** The trust store's password. */
    public static final String TRUST_STORE_PASSWORD = "changeit";

    private final Path dir;

    private TestCertificate(Path dir) {
        this.dir = dir;
    }

    /** Makes the certificate, its key and the trust store in {@code dir}. */
    public static TestCertificate create(Path dir) {
        try {
            Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "key.pem",
                    "-out", "cert.pem").directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IllegalStateException("openssl failed: " + output);
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream pem = Files.newInputStream(dir.resolve("cert.pem"))) {
                trust.setCertificateEntry("redis", CertificateFactory.getInstance("X.509").generateCertificate(pem));
            }
            try (OutputStream out = Files.newOutputStream(dir.resolve("trust.p12"))) {
                trust.store(out, TRUST_STORE_PASSWORD.toCharArray());
            }
            return new TestCertificate(dir);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test certificate (is openssl installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code redis-server} arguments that serve TLS on {@code tlsPort} with this certificate (clients need none). */
    public List<String> serverArgs(int tlsPort) {
        return List.of("--tls-port", String.valueOf(tlsPort), "--tls-cert-file", file("cert.pem"),
                "--tls-key-file", file("key.pem"), "--tls-ca-cert-file", file("cert.pem"), "--tls-auth-clients", "no");
    }

    /** The PKCS12 trust store holding the certificate. */
    public Path trustStore() {
        return dir.resolve("trust.p12");
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }
}
