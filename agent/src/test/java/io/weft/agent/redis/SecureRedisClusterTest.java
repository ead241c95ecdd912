package io.weft.agent.redis;

import io.weft.agent.testing.RedisClusterFixture;
import io.weft.agent.testing.RedisFixture;
import io.weft.agent.testing.TestCertificate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * SPEC §11, "TLS and ACL users work against a cluster too": {@link RedisClusterTest} on a cluster whose nodes
 * serve TLS (also among themselves) and know the user {@code weft} with the rules of docs/operations.md,
 * seeded with {@code rediss://weft:…@} and the JVM's trust store holding the nodes' certificate.
 */
class SecureRedisClusterTest extends RedisClusterTest {

    private static final Map<String, String> TRUST = Map.of("javax.net.ssl.trustStorePassword",
            TestCertificate.TRUST_STORE_PASSWORD, "javax.net.ssl.trustStoreType", "PKCS12");

    @Override
    RedisClusterFixture cluster() {
        RedisClusterFixture cluster = RedisClusterFixture.startSecure(RedisFixture.documentedClusterAclRules(NS));
        System.setProperty("javax.net.ssl.trustStore", cluster.trustStore().toString());
        TRUST.forEach(System::setProperty);
        return cluster;
    }

    @AfterAll
    void forgetTrustStore() {
        System.clearProperty("javax.net.ssl.trustStore");
        TRUST.keySet().forEach(System::clearProperty);
    }
}
