package io.weft.agent.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Sentinel-managed Redis for tests: a master, a replica ({@code --replicaof}) and three Sentinels
 * ({@code redis-server <conf> --sentinel}, each with its own configuration file: quorum 2, a master is
 * down after 1 s, failover timeout 3 s), all local {@link RedisFixture} processes. {@link #start()} returns
 * once the replica is in sync and every Sentinel knows the replica and the other two Sentinels; the master
 * can then be {@linkplain RedisFixture#kill killed} and {@link #awaitFailover} waits for the replica's promotion.
 */
public final class RedisSentinelFixture implements AutoCloseable {

    /** The name the Sentinels monitor the master by. */
    public static final String MASTER_NAME = "weft-master";
    private static final int SENTINELS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisFixture> servers = new ArrayList<>();
    private final List<RedisFixture> sentinels = new ArrayList<>();
    private RedisFixture master;
    private RedisFixture replica;
    private RedisClient sentinelClient;
    private StatefulRedisSentinelConnection<String, String> sentinel;

    private RedisSentinelFixture() {
    }

    /** Starts the master, the replica and the Sentinels, and waits until they all know each other. */
    public static RedisSentinelFixture start() {
        RedisSentinelFixture fixture = new RedisSentinelFixture();
        try {
            fixture.launch();
            return fixture;
        } catch (RuntimeException | Error e) {
            fixture.close();
            throw e;
        }
    }

    private void launch() {
        master = started(RedisFixture.startLocal(null, List.of()));
        replica = started(RedisFixture.startLocal(null, List.of("--replicaof", master.host(), String.valueOf(master.port()))));
        String config = "sentinel monitor " + MASTER_NAME + " " + master.host() + " " + master.port() + " 2\n"
                + "sentinel down-after-milliseconds " + MASTER_NAME + " 1000\n"
                + "sentinel failover-timeout " + MASTER_NAME + " 3000\n";
        for (int i = 0; i < SENTINELS; i++) {
            sentinels.add(started(RedisFixture.startWithConfig(config, List.of("--sentinel"))));
        }
        Await.until(READY_TIMEOUT, "the replica is in sync",
                () -> replica.admin().info("replication").contains("master_link_status:up"));
        Await.until(READY_TIMEOUT, "every Sentinel knows the replica and the other Sentinels",
                () -> sentinels.stream().allMatch(this::knowsEveryone));
        sentinelClient = RedisClient.create();
        sentinelClient.setDefaultTimeout(Duration.ofSeconds(5));
        sentinel = sentinelClient.connectSentinel(RedisURI.create(sentinels.get(0).uri()));
    }

    private RedisFixture started(RedisFixture server) {
        servers.add(server);
        return server;
    }

    private boolean knowsEveryone(RedisFixture node) {
        String info = node.admin().info("sentinel");
        return info.contains("slaves=1") && info.contains("sentinels=" + SENTINELS);
    }

    /** {@code redis-sentinel://host:port,host:port,host:port#weft-master}. */
    public String uri() {
        return "redis-sentinel://" + sentinels.stream().map(node -> node.host() + ":" + node.port())
                .collect(Collectors.joining(",")) + "#" + MASTER_NAME;
    }

    /** The master as started. */
    public RedisFixture master() {
        return master;
    }

    /** The replica as started. */
    public RedisFixture replica() {
        return replica;
    }

    /** The master's address as the first Sentinel reports it now. */
    public SocketAddress masterAddress() {
        return sentinel.sync().getMasterAddrByName(MASTER_NAME);
    }

    /** Waits until the Sentinels have made the replica the master and the replica says it is one. */
    public void awaitFailover(Duration timeout) {
        Await.until(timeout, "the Sentinels promote the replica", () -> masterAddress().toString()
                .endsWith(":" + replica.port()) && replica.admin().info("replication").contains("role:master"));
    }

    /** Stops every process, Sentinels first. */
    @Override
    public void close() {
        if (sentinelClient != null) {
            sentinelClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        for (int i = servers.size() - 1; i >= 0; i--) {
            servers.get(i).close();
        }
    }
}
