package io.weft.agent.testing;

import io.lettuce.core.MigrateArgs;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster for tests: six local {@code redis-server} processes ({@link RedisFixture}s started with
 * {@code --cluster-enabled yes}), joined by {@code redis-cli --cluster create … --cluster-replicas 1} into
 * three masters with one replica each. {@link #start()} returns once every node says
 * {@code cluster_state:ok}; nodes can be {@linkplain RedisFixture#kill killed} to test failovers (the
 * topology is then read from a node that still {@linkplain RedisFixture#answering answers}). With
 * {@link #startSecure}, the nodes require passwords, know an ACL user and serve TLS too.
 */
public final class RedisClusterFixture implements AutoCloseable {

    private static final int NODES = 6;
    /** How long a node may not answer before the others count it as failed ({@code cluster-node-timeout}). */
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(5);

    /** The ACL user of {@link #startSecure}. */
    public static final String USER = "weft";
    private static final String USER_PASSWORD = "weft-pw";
    /** With {@link #startSecure}, the password of every node's default user (replication, admin, cluster creation). */
    private static final String ADMIN_PASSWORD = "admin-pw";

    private final List<RedisFixture> nodes;
    /** With {@link #startSecure}, the certificate and each node's TLS port (in the order of {@link #nodes}); else null. */
    private final TestCertificate certificate;
    private final List<Integer> tlsPorts;

    private RedisClusterFixture(List<RedisFixture> nodes, TestCertificate certificate, List<Integer> tlsPorts) {
        this.nodes = nodes;
        this.certificate = certificate;
        this.tlsPorts = tlsPorts;
    }

    /** Starts six nodes and creates the cluster, with a {@code cluster-node-timeout} of 5 s. */
    public static RedisClusterFixture start() {
        return start(NODE_TIMEOUT);
    }

    /**
     * Starts six nodes and creates the cluster.
     *
     * @param nodeTimeout {@code cluster-node-timeout}: a failover test makes it short, as a replica is promoted
     *     about one to two node timeouts after its master stops answering
     */
    public static RedisClusterFixture start(Duration nodeTimeout) {
        return start(nodeTimeout, null, null);
    }

    /**
     * Starts a cluster (node timeout 5 s) whose nodes require a password of their default user, know the user
     * {@value #USER} with {@code userRules}, and serve TLS on a port of their own ({@code tls-cluster} and
     * {@code tls-replication}: the nodes talk to each other over TLS too; a TLS client is told the TLS ports).
     * {@link #uri(List)} then names the TLS ports as that user; admin connections use the plain ports.
     */
    public static RedisClusterFixture startSecure(String userRules) {
        try {
            TestCertificate certificate = TestCertificate.create(Files.createTempDirectory(Path.of("target").toAbsolutePath(), "tls"));
            return start(NODE_TIMEOUT, certificate, userRules);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a directory for the certificate", e);
        }
    }

    private static RedisClusterFixture start(Duration nodeTimeout, TestCertificate certificate, String userRules) {
        List<String> args = List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", String.valueOf(nodeTimeout.toMillis()));
        List<RedisFixture> nodes = new ArrayList<>();
        List<Integer> tlsPorts = new ArrayList<>();
        RedisClusterFixture cluster = new RedisClusterFixture(nodes, certificate, tlsPorts);
        try {
            for (int i = 0; i < NODES; i++) {
                if (certificate == null) {
                    nodes.add(RedisFixture.startLocal(null, args));
                    continue;
                }
                tlsPorts.add(RedisFixture.freePort());
                List<String> secure = new ArrayList<>(args);
                secure.addAll(certificate.serverArgs(tlsPorts.get(i)));
                secure.addAll(List.of("--tls-cluster", "yes", "--tls-replication", "yes", "--masterauth", ADMIN_PASSWORD,
                        "--user", USER, "on", ">" + USER_PASSWORD));
                secure.addAll(List.of(userRules.split(" ")));
                nodes.add(RedisFixture.startLocal(ADMIN_PASSWORD, secure));
            }
            cluster.create();
            Await.until(Duration.ofSeconds(30), "every node says cluster_state:ok", () -> nodes.stream()
                    .allMatch(node -> node.admin().clusterInfo().contains("cluster_state:ok")));
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void create() {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> command.add(node.host() + ":" + node.port()));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        if (certificate != null) {
            command.addAll(List.of("-a", ADMIN_PASSWORD, "--no-auth-warning"));
        }
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = cli.getInputStream().readAllBytes();
            if (!cli.waitFor(30, TimeUnit.SECONDS) || cli.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n"
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("redis-cli was not found on the PATH (it comes with redis-server)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating the cluster", e);
        }
    }

    /**
     * {@code redis://host:port,host:port…}: the given nodes as seeds; with {@link #startSecure},
     * {@code rediss://weft:…@host:tls-port,…}.
     */
    public String uri(List<RedisFixture> seeds) {
        return (certificate == null ? "redis://" : "rediss://" + USER + ":" + USER_PASSWORD + "@") + seeds.stream()
                .map(node -> node.host() + ":" + (certificate == null ? node.port() : tlsPorts.get(nodes.indexOf(node))))
                .collect(Collectors.joining(","));
    }

    /** With {@link #startSecure}, the trust store a TLS client needs ({@link TestCertificate#TRUST_STORE_PASSWORD}). */
    public Path trustStore() {
        return certificate.trustStore();
    }

    /** {@code redis://…} with every node as a seed. */
    public String uri() {
        return uri(nodes);
    }

    /** Every node, masters and replicas, as started. */
    public List<RedisFixture> nodes() {
        return nodes;
    }

    /** The nodes that are masters of some slots now, as a node that answers sees the topology. */
    public List<RedisFixture> masters() {
        Partitions partitions = topology();
        return nodes.stream().filter(node -> partitions.stream().anyMatch(p -> p.getUri().getPort() == node.port()
                && p.is(RedisClusterNode.NodeFlag.UPSTREAM) && !p.is(RedisClusterNode.NodeFlag.FAIL)
                && !p.getSlots().isEmpty()))
                .collect(Collectors.toList());
    }

    /** The node that serves {@code key}'s slot now. */
    public RedisFixture masterOf(String key) {
        int port = topology().getMasterBySlot(SlotHash.getSlot(key)).getUri().getPort();
        return nodes.stream().filter(node -> node.port() == port).findFirst().orElseThrow();
    }

    /** Those of {@code keys} whose slots {@code master} serves now, in their order. */
    public List<String> keysOf(RedisFixture master, List<String> keys) {
        Partitions partitions = topology();
        return keys.stream().filter(key -> partitions.getMasterBySlot(SlotHash.getSlot(key)).getUri().getPort()
                == master.port()).collect(Collectors.toList());
    }

    /**
     * The replica of {@code master}, as a node that answers sees the topology (the first one, if it has several),
     * awaited: a new cluster's nodes learn who replicates whom by gossip, a moment after it was created.
     */
    public RedisFixture replicaOf(RedisFixture master) {
        RedisFixture[] replica = new RedisFixture[1];
        Await.until(Duration.ofSeconds(20), "a node reports a replica of " + master.port(), () -> {
            Partitions partitions = topology();
            String masterId = partitions.stream().filter(p -> p.getUri().getPort() == master.port()).findFirst()
                    .orElseThrow().getNodeId();
            replica[0] = nodes.stream().filter(node -> partitions.stream().anyMatch(p -> p.getUri().getPort()
                    == node.port() && masterId.equals(p.getSlaveOf()))).findFirst().orElse(null);
            return replica[0] != null;
        });
        return replica[0];
    }

    /**
     * Starts moving the slot of {@code keys} (one slot) from its master to {@code target} as a resharding does
     * ({@code CLUSTER SETSLOT … IMPORTING/MIGRATING}, then {@code MIGRATE}) and moves those keys: the slot's
     * master then answers {@code ASK} for them until {@link #finishMigration}.
     */
    public void startMigration(RedisFixture target, String... keys) {
        RedisFixture source = masterOf(keys[0]);
        int slot = SlotHash.getSlot(keys[0]);
        target.admin().clusterSetSlotImporting(slot, source.admin().clusterMyId());
        source.admin().clusterSetSlotMigrating(slot, target.admin().clusterMyId());
        MigrateArgs<String> args = MigrateArgs.Builder.keys(keys);
        // with tls-cluster, MIGRATE speaks TLS to the target
        source.admin().migrate(target.host(), certificate == null ? target.port() : tlsPorts.get(nodes.indexOf(target)),
                0, 5_000, certificate == null ? args : args.auth(ADMIN_PASSWORD));
    }

    /** Ends a {@link #startMigration}: every master assigns the slot of {@code key} to {@code target}. */
    public void finishMigration(RedisFixture target, String key) {
        int slot = SlotHash.getSlot(key);
        String targetId = target.admin().clusterMyId();
        masters().forEach(master -> master.admin().clusterSetSlotNode(slot, targetId));
    }

    /** The topology as the first node that {@linkplain RedisFixture#answering answers} sees it. */
    private Partitions topology() {
        RedisFixture node = nodes.stream().filter(RedisFixture::answering).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of the cluster answers"));
        return ClusterPartitionParser.parse(node.admin().clusterNodes());
    }

    /** Stops every node. */
    @Override
    public void close() {
        nodes.forEach(RedisFixture::close);
    }
}
