package io.weft.agent.store;

import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.weft.agent.log.WeftLog;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import reactor.core.Disposable;

/**
 * Notices that the master behind a {@link RedisEndpoint} changed, as after a failover, and says so on a new
 * daemon thread ({@code weft-failover}), which may then wait for Redis.
 * <ul>
 * <li>A server or a Sentinel-managed master: whenever one of the endpoint's connections is (re)activated,
 *     {@code INFO server} is sent on a connection of its own and the {@code run_id} compared with the last
 *     one seen (a restarted server counts too: it may have lost the last writes as well).
 * <li>A Redis Cluster: when Lettuce's topology refresh finds a node serving slots that was no master
 *     before (a promoted replica).
 * </ul>
 */
public final class FailoverWatch implements AutoCloseable {

    private final RedisEndpoint endpoint;
    private final LazyConnection<String, String> connection;
    private final Consumer<String> onFailover;
    private final AtomicReference<String> runId = new AtomicReference<>();
    private final LongAdder failovers = new LongAdder();
    private Disposable subscription;

    /**
     * @param timeout bound on each {@code INFO server}
     * @param onFailover called with a description of the change, on a thread of its own
     */
    public FailoverWatch(RedisEndpoint endpoint, Duration timeout, Consumer<String> onFailover) {
        this.endpoint = endpoint;
        this.connection = endpoint.cluster() ? null : new LazyConnection<>(endpoint, StringCodec.UTF8, timeout);
        this.onFailover = onFailover;
    }

    /** Starts watching; on a single server, also reads the current master's {@code run_id} in the background. */
    public synchronized void start() {
        subscription = endpoint.eventBus().get().subscribe(event -> {
            if (connection != null && event instanceof ConnectionActivatedEvent) {
                checkRunId();
            } else if (event instanceof ClusterTopologyChangedEvent) {
                compare((ClusterTopologyChangedEvent) event);
            }
        });
        if (connection != null) {
            checkRunId();
        }
    }

    private void checkRunId() {
        connection.get().thenCompose(link -> link.async().info("server")).whenComplete((info, failure) -> {
            if (failure == null) {
                observed(field(info, "run_id"), field(info, "tcp_port"));
            }
        });
    }

    private void observed(String current, String port) {
        String before = runId.getAndSet(current);
        if (before != null && current != null && !before.equals(current)) {
            detected("the master is now the server with run_id " + current + " on port " + port + " (was " + before + ")");
        }
    }

    private void compare(ClusterTopologyChangedEvent event) {
        Set<String> before = masters(event.before());
        if (before.isEmpty()) {
            return;
        }
        List<String> promoted = event.after().stream()
                .filter(node -> isMaster(node) && !before.contains(node.getNodeId()))
                .map(node -> node.getUri().getHost() + ":" + node.getUri().getPort())
                .collect(Collectors.toList());
        if (!promoted.isEmpty()) {
            detected("nodes that were no masters now serve slots: " + String.join(", ", promoted));
        }
    }

    private static Set<String> masters(List<RedisClusterNode> nodes) {
        return nodes.stream().filter(FailoverWatch::isMaster).map(RedisClusterNode::getNodeId).collect(Collectors.toSet());
    }

    private static boolean isMaster(RedisClusterNode node) {
        return node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty();
    }

    private void detected(String change) {
        failovers.increment();
        Background.daemon(() -> {
            try {
                onFailover.accept(change);
            } catch (RuntimeException e) {
                WeftLog.warn("after a failover of " + endpoint.redacted() + ": " + e);
            }
        }, "weft-failover").start();
    }

    /** The value of {@code name} in an {@code INFO} reply, or null. */
    static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    /** Changes of master seen since the start. */
    public long failovers() {
        return failovers.sum();
    }

    /** Stops watching and closes the connection. */
    @Override
    public synchronized void close() {
        if (subscription != null) {
            subscription.dispose();
        }
        if (connection != null) {
            connection.close();
        }
    }
}
