package io.weft.agent.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.weft.agent.store.RedisEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A Redis for tests. {@link #start()} uses the server at {@code REDIS_URL} when that is set, else a
 * Testcontainers {@code redis:7-alpine} container when a Docker engine is configured (a socket at
 * {@code /var/run/docker.sock} or {@code DOCKER_HOST}) and answers, and otherwise starts a
 * {@code redis-server} process like {@link #startLocal}. A local server listens on
 * a free loopback port, keeps nothing on disk, and can be {@link #stop stopped} and {@link #restart
 * restarted} on the same port (with an empty data set) to test outages. When {@code redis-server} is
 * not installed, starting fails and says how to install it: tests never skip for lack of Redis.
 */
public final class RedisFixture implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final String INSTALL_HINT = "redis-server was not found on the PATH; the Redis tests need it."
            + " Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis),"
            + " or set REDIS_URL=redis://host:port to use a running Redis";
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
        try {
            // As in the agent, Lettuce must log through Weft from its first class on (RedisEndpoint sees to that).
            Class.forName(RedisEndpoint.class.getName(), true, RedisFixture.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String externalUri;
    private GenericContainer<?> container;
    private final String host;
    private final int port;
    private final String password;
    private final List<String> extraArgs;
    private final Path dir;
    private final Path configFile;
    private Process process;
    private volatile boolean suspended;
    private RedisClient adminClient;
    private StatefulRedisConnection<String, String> admin;

    private RedisFixture(String externalUri, String host, int port, String password, List<String> extraArgs, Path dir,
            Path configFile) {
        this.externalUri = externalUri;
        this.host = host;
        this.port = port;
        this.password = password;
        this.extraArgs = extraArgs;
        this.dir = dir;
        this.configFile = configFile;
    }

    /** The Redis at {@code REDIS_URL}, or else a Redis container, or else a new local {@code redis-server}. */
    public static RedisFixture start() {
        String url = System.getenv("REDIS_URL");
        if ((url == null || url.isBlank()) && dockerConfigured() && DockerClientFactory.instance().isDockerAvailable()) {
            GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7-alpine")).withExposedPorts(6379);
            redis.start();
            RedisFixture fixture = new RedisFixture("redis://" + redis.getHost() + ":" + redis.getMappedPort(6379),
                    redis.getHost(), redis.getMappedPort(6379), null, List.of(), null, null);
            fixture.container = redis;
            return fixture;
        }
        if (url == null || url.isBlank()) {
            return startLocal(null);
        }
        RedisURI parsed = RedisURI.create(url);
        return new RedisFixture(url, parsed.getHost(), parsed.getPort(), null, List.of(), null, null);
    }

    /**
     * A new local {@code redis-server}, whatever {@code REDIS_URL} says.
     *
     * @param requirepass the password of the default user, or null for none
     */
    public static RedisFixture startLocal(String requirepass) {
        return startLocal(requirepass, List.of());
    }

    /** A new local {@code redis-server} started with {@code extraArgs} too, in a directory of its own. */
    static RedisFixture startLocal(String requirepass, List<String> extraArgs) {
        return startLocal(requirepass, null, extraArgs);
    }

    /**
     * A new local {@code redis-server} whose first argument is a configuration file holding {@code config}
     * (a Sentinel rewrites its file), started with {@code extraArgs} too, in a directory of its own.
     *
     * @param requirepass the password of the default user, or null for none
     */
    static RedisFixture startWithConfig(String requirepass, String config, List<String> extraArgs) {
        return startLocal(requirepass, config, extraArgs);
    }

    private static RedisFixture startLocal(String requirepass, String config, List<String> extraArgs) {
        Path dir;
        Path configFile = null;
        try {
            dir = Files.createTempDirectory("weft-redis");
            if (config != null) {
                configFile = Files.writeString(dir.resolve("redis.conf"), config);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a directory for redis-server", e);
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            RedisFixture fixture = new RedisFixture(null, HOST, freePort(), requirepass, extraArgs, dir, configFile);
            try {
                fixture.launch();
                return fixture;
            } catch (IllegalStateException e) {
                last = e;
                if (e.getMessage().startsWith(INSTALL_HINT)) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private static boolean dockerConfigured() {
        return System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of("redis-server"));
        if (configFile != null) {
            command.add(configFile.toString());
        }
        command.addAll(List.of("--port", String.valueOf(port), "--bind", HOST, "--save", "", "--appendonly", "no",
                "--dir", dir.toString()));
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        command.addAll(extraArgs);
        Path log = dir.resolve("redis-" + port + ".log");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException(INSTALL_HINT + " (" + e.getMessage() + ")", e);
        }
        RUNNING.add(process);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                destroy();
                throw new IllegalStateException("redis-server on port " + port + " did not start:\n" + read(log));
            }
            pause(10);
        }
    }

    /** Whether something on the port answers a RESP {@code PING} (with PONG, or NOAUTH when a password is set). */
    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[64];
            int n = in.read(reply);
            String text = n > 0 ? new String(reply, 0, n, StandardCharsets.US_ASCII) : "";
            return text.startsWith("+PONG") || text.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The rules docs/operations.md ("Managed Redis") gives Weft's ACL user, for keys under {@code namespace}
     * ({@code ACL SETUSER weft on >… <rules>}).
     */
    public static String documentedAclRules(String namespace) {
        return "resetkeys ~" + namespace + "* resetchannels -@all +hello +evalsha +eval +get +set +pttl +del"
                + " +pexpire +zadd +zrange +zrem +zscore +zremrangebyscore +scan +xadd +xread +xrange +xrevrange +time"
                + " +xinfo|stream +info";
    }

    /** {@code ACL SETUSER <user> <rules>} on this server, the rules as written in an {@code ACL SETUSER} command. */
    public void setUser(String user, String rules) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add("SETUSER").add(user);
        admin().dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), args.addValues(List.of(rules.split(" "))));
    }

    /**
     * {@link #documentedAclRules} with what a cluster adds: the leases that start with {@code {}, the topology, and
     * following {@code ASK} redirections.
     */
    public static String documentedClusterAclRules(String namespace) {
        return documentedAclRules(namespace) + " ~{*}" + namespace + "* +cluster|nodes +asking";
    }

    /** {@code redis://[:password@]host:port}: the default user. */
    public String uri() {
        if (externalUri != null) {
            return externalUri;
        }
        return "redis://" + (password == null ? "" : ":" + password + "@") + host + ":" + port;
    }

    /** {@code redis://user:password@host:port}. */
    public String uri(String user, String userPassword) {
        return "redis://" + user + ":" + userPassword + "@" + host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Commands as the default user, for setting up and checking; the connection survives restarts. */
    public synchronized RedisCommands<String, String> admin() {
        if (admin == null) {
            adminClient = RedisClient.create(uri());
            adminClient.setDefaultTimeout(Duration.ofSeconds(5));
            admin = adminClient.connect();
        }
        return admin.sync();
    }

    /** Stops the local server (by its PID: SIGTERM, then waiting for it to exit). */
    public void stop() {
        requireLocal("stop");
        destroy();
    }

    /** Kills the local server at once (SIGKILL by its PID), as a crash would. */
    public void kill() {
        requireLocal("kill");
        if (process != null) {
            process.destroyForcibly();
        }
        destroy();
    }

    /** Stops the local server's process without ending it ({@code kill -STOP} by its PID), as a stalled host would. */
    public void suspend() {
        signal("STOP");
        suspended = true;
    }

    /** Lets a {@linkplain #suspend suspended} server run again ({@code kill -CONT}). */
    public void resume() {
        signal("CONT");
        suspended = false;
    }

    /**
     * Values stored under keys matching {@code pattern}, leases not counted: a lookup sets a {@code :weft-lease} key
     * per miss before its value is stored, so counting keys alone sees a store that has not happened.
     */
    public long values(String pattern) {
        return admin().keys(pattern).stream().filter(key -> !key.endsWith(":weft-lease")).count();
    }

    /** Scripts this Redis has run ({@code EVALSHA} and {@code EVAL} calls), from {@code INFO commandstats}. */
    public long scriptCalls() {
        return calls("evalsha", "eval");
    }

    /**
     * Calls of {@code commands} (lower case, e.g. {@code "scan"}) this Redis has run, together, from
     * {@code INFO commandstats}; a command never run counts 0.
     */
    public long calls(String... commands) {
        long calls = 0;
        for (String line : admin().info("commandstats").split("\r?\n")) {
            for (String command : commands) {
                if (line.startsWith("cmdstat_" + command + ":")) {
                    calls += Long.parseLong(line.substring(line.indexOf("calls=") + 6, line.indexOf(',')));
                }
            }
        }
        return calls;
    }

    /**
     * Whether this server can answer now: not {@linkplain #kill killed}, {@linkplain #stop stopped} or
     * {@linkplain #suspend suspended} (a command to one that cannot waits the admin connection's whole timeout).
     */
    public boolean answering() {
        return externalUri != null || (process != null && process.isAlive() && !suspended);
    }

    private void signal(String name) {
        requireLocal("signal");
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts the local server again on the same port, empty. */
    public void restart() {
        requireLocal("restart");
        if (process != null && process.isAlive()) {
            destroy();
        }
        launch();
    }

    private void requireLocal(String what) {
        if (externalUri != null) {
            throw new IllegalStateException("cannot " + what + " the Redis at REDIS_URL; use RedisFixture.startLocal");
        }
    }

    private void destroy() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
        process = null;
    }

    /** Closes the admin connection and stops a local server. */
    @Override
    public synchronized void close() {
        if (adminClient != null) {
            adminClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        if (container != null) {
            container.stop();
        }
        if (externalUri == null) {
            destroy();
            try (var files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }
}
