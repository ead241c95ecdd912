package io.weft.agent.store;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.event.EventBus;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Redis server (or Sentinel-managed master, or Redis Cluster) named by {@code weft.redis.uri}, and the
 * Lettuce client that talks to it: two NIO threads and two computation threads, all daemons named {@code weft-lettuce-*},
 * logging through {@link ClientLogging}. Connections reconnect on their own (backing off up to one second
 * between attempts) and, while disconnected, reject commands at once instead of queueing them. Opening a
 * connection (TCP, TLS, HELLO/AUTH) may take up to 2 s, in the background; each connection has its own
 * command timeout, so a {@code timeout} given in the URI is not used. Creating an endpoint opens no
 * connection.
 */
public final class RedisEndpoint implements AutoCloseable {

    /** Bound on opening a connection: TCP connect, and TLS, HELLO and AUTH handshakes. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
    /** Commands waiting for a reply per connection; beyond it commands fail instead of using memory. */
    private static final int REQUEST_QUEUE_SIZE = 65_536;
    static final int TOPOLOGY_REFRESH_SECONDS = 10;

    static {
        ClientLogging.install();
    }

    /** The server, or the first seed node of a cluster. */
    private final RedisURI uri;
    private final String redacted;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final RedisErrors errors;
    /** The credentials of the Sentinels, if the URI names Sentinels and credentials. */
    private final SentinelCredentials sentinels;

    /** A single server or a Sentinel-managed master: {@code RedisEndpoint(uri, false)}. */
    public RedisEndpoint(String uri) {
        this(uri, false);
    }

    /**
     * @param uri {@code redis://[user:pass@]host:port/db}, {@code rediss://…} (TLS) or
     *     {@code redis-sentinel://[user:pass@]host:port[,host:port]/db#master} (the user and password go to the
     *     Sentinels too: {@link SentinelCredentials}); with {@code cluster}, the seed nodes
     *     {@code redis[s]://[user:pass@]host:port[,host:port…]}
     * @param cluster {@code weft.redis.cluster}
     * @throws IllegalArgumentException when {@code uri} is not a Redis URI; the message holds no password
     */
    public RedisEndpoint(String uri, boolean cluster) {
        List<RedisURI> seeds = RedisUris.parse(uri, cluster);
        seeds.forEach(seed -> seed.setTimeout(CONNECT_TIMEOUT));
        this.uri = seeds.get(0);
        this.redacted = cluster ? ClusterSeeds.redact(seeds) : redact(this.uri);
        this.errors = new RedisErrors(cluster);
        this.sentinels = cluster ? null : SentinelCredentials.apply(this.uri, redacted);
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .threadFactoryProvider(NettyThreads::new)
                .reconnectDelay(() -> Delay.exponential(Duration.ofMillis(1), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        noteRefusedReconnects();
        if (cluster) {
            this.client = null;
            this.clusterClient = RedisClusterClient.create(resources, seeds);
            this.clusterClient.setOptions(common(ClusterClientOptions.builder())
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(TOPOLOGY_REFRESH_SECONDS))
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                            .refreshTriggersReconnectAttempts(3)
                            .build())
                    // a node that a redirection names may not be in the last topology read yet
                    .validateClusterNodeMembership(false)
                    .build());
        } else {
            this.client = RedisClient.create(resources);
            this.client.setOptions(common(ClientOptions.builder()).build());
            this.clusterClient = null;
        }
    }

    /** The options of both kinds of client. */
    private static <B extends ClientOptions.Builder> B common(B options) {
        options.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled())
                .requestQueueSize(REQUEST_QUEUE_SIZE)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build());
        return options;
    }

    /** {@code scheme://[user][:****]@host:port[,host:port…][/db][#master]}: the URI without its password. */
    @SuppressWarnings("deprecation") // the credentials are read once, synchronously, only to be shown masked
    static String redact(RedisURI uri) {
        boolean sentinel = !uri.getSentinels().isEmpty();
        StringBuilder sb = new StringBuilder(uri.getSocket() != null ? "redis-socket"
                : (uri.isSsl() ? "rediss" : "redis") + (sentinel ? "-sentinel" : "")).append("://");
        String user = uri.getUsername();
        boolean password = uri.getPassword() != null && uri.getPassword().length > 0;
        if (user != null || password) {
            sb.append(user == null ? "" : user).append(password ? ":****" : "").append('@');
        }
        if (uri.getSocket() != null) {
            return sb.append(uri.getSocket()).toString();
        }
        if (sentinel) {
            for (int i = 0; i < uri.getSentinels().size(); i++) {
                RedisURI node = uri.getSentinels().get(i);
                sb.append(i == 0 ? "" : ",").append(node.getHost()).append(':').append(node.getPort());
            }
        } else {
            sb.append(uri.getHost()).append(':').append(uri.getPort());
        }
        if (uri.getDatabase() != 0) {
            sb.append('/').append(uri.getDatabase());
        }
        return sentinel ? sb.append('#').append(uri.getSentinelMasterId()).toString() : sb.toString();
    }

    /** The URI for logs and metrics: the password, if any, is replaced by asterisks. */
    public String redacted() {
        return redacted;
    }

    /** Whether this is a Redis Cluster ({@code weft.redis.cluster=true}). */
    public boolean cluster() {
        return clusterClient != null;
    }

    /** Where Lettuce announces this endpoint's connection and topology events. */
    EventBus eventBus() {
        return resources.eventBus();
    }

    /** The failed calls of this endpoint's connections, by reason, and Redis's last error reply. */
    public RedisErrors errors() {
        return errors;
    }

    /**
     * Counts a reconnection that Redis refused with an error reply ({@code NOAUTH} after a password change,
     * {@code LOADING} …): the commands rejected meanwhile only say that the connection is not open.
     */
    private void noteRefusedReconnects() {
        resources.eventBus().get().subscribe(event -> {
            if (event instanceof ReconnectFailedEvent) {
                Throwable cause = ((ReconnectFailedEvent) event).getCause();
                if (ErrorReason.reply(cause) != null) {
                    errors.note(cause);
                }
            }
        });
    }

    /**
     * Starts opening a connection without waiting for it.
     *
     * @param commandTimeout how long each command on the connection may take before it fails
     */
    public <K, V> CompletableFuture<RedisLink<K, V>> connect(RedisCodec<K, V> codec, Duration commandTimeout) {
        if (clusterClient != null) {
            // connectAsync needs the topology loaded: read it first (again, when opening a connection anew)
            return clusterClient.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(loaded -> clusterClient.connectAsync(codec)).thenApply(connection -> {
                connection.setTimeout(commandTimeout);
                return RedisLink.of(connection);
            });
        }
        CompletableFuture<StatefulRedisConnection<K, V>> opened = client.connectAsync(codec, uri).toCompletableFuture();
        CompletableFuture<StatefulRedisConnection<K, V>> reopened = sentinels == null ? opened
                : opened.handle((connection, failure) -> sentinels.refusedBy(failure)
                        ? client.connectAsync(codec, uri).toCompletableFuture() : opened).thenCompose(next -> next);
        return reopened.thenApply(connection -> {
            connection.setTimeout(commandTimeout);
            return RedisLink.of(connection);
        });
    }

    /** Closes every connection and stops the client threads. */
    @Override
    public void close() {
        AbstractRedisClient client = clusterClient != null ? clusterClient : this.client;
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
