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
 * down after 1 s, failover timeout 3 s), all local {@link RedisFixture} processes, open or, with
 * {@link #startWithUser}, each requiring a password and knowing an ACL user {@value #USER}. {@link #start()} returns
 * once the replica is in sync and every Sentinel knows the replica and the other two Sentinels; the master
 * can then be {@linkplain RedisFixture#kill killed} and {@link #awaitFailover} waits for the replica's promotion.
 */
public final class RedisSentinelFixture implements AutoCloseable {

    /** The name the Sentinels monitor the master by. */
    public static final String MASTER_NAME = "weft-master";
    private static final int SENTINELS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /** The ACL user of {@link #startWithUser}, on the servers and the Sentinels. */
    public static final String USER = "weft";
    private static final String USER_PASSWORD = "weft-pw";
    /** With {@link #startWithUser}, the password of the default user of every process (replication, Sentinels, admin). */
    private static final String ADMIN_PASSWORD = "admin-pw";
    /** What Weft's connections to a Sentinel need (docs/operations.md, "Running on Sentinel"). */
    private static final String SENTINEL_RULES = "-@all +hello +sentinel|get-master-addr-by-name";

    private final List<RedisFixture> servers = new ArrayList<>();
    private final List<RedisFixture> sentinels = new ArrayList<>();
    private final String adminPassword;
    /** The password of the Sentinels' default user, or null when they are open. */
    private final String sentinelPassword;
    private RedisFixture master;
    private RedisFixture replica;
    private RedisClient sentinelClient;
    private StatefulRedisSentinelConnection<String, String> sentinel;

    private RedisSentinelFixture(String adminPassword, String sentinelPassword) {
        this.adminPassword = adminPassword;
        this.sentinelPassword = sentinelPassword;
    }

    /** Starts the master, the replica and the Sentinels, and waits until they all know each other. */
    public static RedisSentinelFixture start() {
        return start(null, null, null);
    }

    /**
     * Like {@link #start()}, but every process requires a password of its default user and knows the user
     * {@value #USER}: on the servers with {@code serverRules}, on the Sentinels with {@link #SENTINEL_RULES}.
     */
    public static RedisSentinelFixture startWithUser(String serverRules) {
        return start(ADMIN_PASSWORD, ADMIN_PASSWORD, serverRules);
    }

    /** Like {@link #startWithUser}, but the Sentinels are open: no password, no users of their own. */
    public static RedisSentinelFixture startWithUserOnServersOnly(String serverRules) {
        return start(ADMIN_PASSWORD, null, serverRules);
    }

    private static RedisSentinelFixture start(String adminPassword, String sentinelPassword, String serverRules) {
        RedisSentinelFixture fixture = new RedisSentinelFixture(adminPassword, sentinelPassword);
        try {
            fixture.launch(serverRules);
            return fixture;
        } catch (RuntimeException | Error e) {
            fixture.close();
            throw e;
        }
    }

    private void launch(String serverRules) {
        List<String> auth = new ArrayList<>();
        if (adminPassword != null) {
            auth.addAll(List.of("--masterauth", adminPassword, "--user", USER, "on", ">" + USER_PASSWORD));
            auth.addAll(List.of(serverRules.split(" ")));
        }
        master = started(RedisFixture.startLocal(adminPassword, auth));
        List<String> replicaArgs = new ArrayList<>(auth);
        replicaArgs.addAll(List.of("--replicaof", master.host(), String.valueOf(master.port())));
        replica = started(RedisFixture.startLocal(adminPassword, replicaArgs));
        String config = "sentinel monitor " + MASTER_NAME + " " + master.host() + " " + master.port() + " 2\n"
                + "sentinel down-after-milliseconds " + MASTER_NAME + " 1000\n"
                + "sentinel failover-timeout " + MASTER_NAME + " 3000\n"
                + (adminPassword == null ? "" : "sentinel auth-pass " + MASTER_NAME + " " + adminPassword + "\n")
                + (sentinelPassword == null ? "" : "sentinel sentinel-pass " + sentinelPassword + "\n"
                        + "user " + USER + " on >" + USER_PASSWORD + " " + SENTINEL_RULES + "\n");
        for (int i = 0; i < SENTINELS; i++) {
            sentinels.add(started(RedisFixture.startWithConfig(sentinelPassword, config, List.of("--sentinel"))));
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

    /** {@code redis-sentinel://[weft:…@]host:port,host:port,host:port#weft-master}: as the user {@value #USER}, if any. */
    public String uri() {
        return "redis-sentinel://" + (adminPassword == null ? "" : USER + ":" + USER_PASSWORD + "@") + sentinels.stream().map(node -> node.host() + ":" + node.port())
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
