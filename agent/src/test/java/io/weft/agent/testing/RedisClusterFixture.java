package io.weft.agent.testing;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * topology is then read from a node that still {@linkplain RedisFixture#answering answers}).
 */
public final class RedisClusterFixture implements AutoCloseable {

    private static final int NODES = 6;
    /** How long a node may not answer before the others count it as failed ({@code cluster-node-timeout}). */
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(5);

    private final List<RedisFixture> nodes;

    private RedisClusterFixture(List<RedisFixture> nodes) {
        this.nodes = nodes;
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
        List<String> args = List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", String.valueOf(nodeTimeout.toMillis()));
        List<RedisFixture> nodes = new ArrayList<>();
        RedisClusterFixture cluster = new RedisClusterFixture(nodes);
        try {
            for (int i = 0; i < NODES; i++) {
                nodes.add(RedisFixture.startLocal(null, args));
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

    /** {@code redis://host:port,host:port…}: the given nodes as seeds. */
    public String uri(List<RedisFixture> seeds) {
        return "redis://" + seeds.stream().map(node -> node.host() + ":" + node.port()).collect(Collectors.joining(","));
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
     * The replica of {@code master}, as a node that answers sees the topology (the first one, if it has several).
     */
    public RedisFixture replicaOf(RedisFixture master) {
        Partitions partitions = topology();
        String masterId = partitions.stream().filter(p -> p.getUri().getPort() == master.port()).findFirst()
                .orElseThrow().getNodeId();
        return nodes.stream().filter(node -> partitions.stream().anyMatch(p -> p.getUri().getPort() == node.port()
                && masterId.equals(p.getSlaveOf()))).findFirst().orElseThrow();
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
