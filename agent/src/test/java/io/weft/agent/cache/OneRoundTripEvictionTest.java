package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.events.EventPublisher;
import io.weft.agent.events.EventStreams;
import io.weft.agent.store.CircuitBreaker;
import io.weft.agent.store.RedisEndpoint;
import io.weft.agent.store.RedisStore;
import io.weft.agent.store.ValueCodecs;
import io.weft.agent.testing.Closer;
import io.weft.agent.testing.FakeTicker;
import io.weft.agent.testing.RedisFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: an invalidation of keys on one Redis server sends its event right behind the {@code DEL}, on the
 * store's connection, so that it costs one round trip and no instance can read the event before the keys are gone.
 * Redis's {@code MONITOR} shows each command with the client that sent it; an invalidation by prefix (two round
 * trips: the scan, then the delete) still publishes on the publisher's own connection.
 */
class OneRoundTripEvictionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String NS = "one:";

    private final Closer closer = new Closer();
    private final RedisFixture redis = closer.later(RedisFixture.startLocal(null));
    private final MethodTable methods = new MethodTable();
    private CacheRuntime runtime;
    private EventPublisher publisher;

    @AfterEach
    void stop() throws Exception {
        closer.close();
    }

    private int invalidation(KeysOrPrefix what) {
        DeclaredMethod declared = new DeclaredMethod("com.acme.Books", "save", List.of("java.lang.String"),
                List.of("bookId"), getClass().getClassLoader());
        return methods.register(new Invalidation(declared,
                what == KeysOrPrefix.KEYS ? List.of((args, result) -> "books:" + args[0]) : List.of(),
                what == KeysOrPrefix.PREFIX ? List.of((args, result) -> "books:") : List.of(), false,
                EventStreams.CACHE_INVALIDATED));
    }

    private enum KeysOrPrefix { KEYS, PREFIX }

    private void connect() {
        connect(new CircuitBreaker("one round trip"));
    }

    private void connect(CircuitBreaker storeBreaker) {
        runtime = new CacheRuntime(methods, new LoaderScopes(), 1_000, TimeUnit.MINUTES.toNanos(1),
                Duration.ofSeconds(5), Ticker.systemTicker(), Ticker.systemTicker());
        RedisEndpoint endpoint = closer.later(new RedisEndpoint(redis.uri()));
        RedisStore store = closer.later(new RedisStore(endpoint, TIMEOUT, storeBreaker));
        publisher = closer.later(new EventPublisher(endpoint, NS, 10_000, 100, TIMEOUT, "host-1"));
        RedisConnector.awaitOpen(store, RedisConnector.OPEN_WAIT);
        runtime.connect(new SharedLevel(store, new ValueCodecs(1 << 20, 0), NS, Duration.ofSeconds(1)), publisher,
                "host-1", bound -> true);
        publisher.start();
    }

    @Test
    void theEventOfAKeyInvalidationFollowsItsDeleteOnTheSameConnection() throws Exception {
        int save = invalidation(KeysOrPrefix.KEYS);
        connect();
        redis.admin().set(NS + "books:7", "old");
        try (Monitor monitor = new Monitor(redis.port())) {
            runtime.invalidate(save, new Object[] {"7"}, null);
            List<String> commands = monitor.until(2, line -> line.contains("\"XADD\""));
            String del = commands.get(commands.size() - 2);
            String xadd = commands.get(commands.size() - 1);
            assertTrue(del.contains("\"DEL\" \"one:books:7\" \"one:books:7:weft-lease\""), commands.toString());
            assertEquals(client(del), client(xadd), "the XADD right behind the DEL, from the same connection: "
                    + commands);
        }
        assertEquals(0, redis.admin().exists(NS + "books:7"));
        assertTrue(publisher.awaitPublished(TIMEOUT));
        assertEquals(1, publisher.published(), "counted as published");
    }

    @Test
    void aPrefixInvalidationPublishesOnThePublishersConnection() throws Exception {
        int save = invalidation(KeysOrPrefix.PREFIX);
        connect();
        redis.admin().set(NS + "books:7", "old");
        try (Monitor monitor = new Monitor(redis.port())) {
            runtime.invalidate(save, new Object[] {"7"}, null);
            List<String> commands = monitor.until(1, line -> line.contains("\"XADD\""));
            String xadd = commands.get(commands.size() - 1);
            String del = commands.stream().filter(line -> line.contains("\"DEL\"")).findFirst().orElseThrow();
            assertTrue(!client(del).equals(client(xadd)), "two connections: " + commands);
        }
        assertEquals(0, redis.admin().exists(NS + "books:7"));
    }

    @Test
    void anEventWhoseDeleteFailedGoesOutOnlyAfterTheDeleteWentThrough() throws Exception {
        int save = invalidation(KeysOrPrefix.KEYS);
        FakeTicker time = new FakeTicker();
        CircuitBreaker storeBreaker = new CircuitBreaker("store", 1, Duration.ofMinutes(1), Duration.ofMinutes(1), time);
        connect(storeBreaker);
        redis.admin().set(NS + "books:7", "old");
        // the store's breaker opens: its commands are refused while the publisher's own connection works
        assertTrue(storeBreaker.tryAcquire());
        storeBreaker.onFailure();
        try (Monitor monitor = new Monitor(redis.port())) {
            runtime.invalidate(save, new Object[] {"7"}, null);
            assertEquals("old", redis.admin().get(NS + "books:7"), "the delete was refused: it waits");
            time.advance(Duration.ofMinutes(2)); // the breaker lets a probe through
            List<String> commands = monitor.until(1, line -> line.contains("\"XADD\""));
            assertTrue(commands.stream().anyMatch(line -> line.contains("\"DEL\" \"one:books:7\"")),
                    "the event went out after its delete, not before (the other instances would read \"old\" back): "
                    + commands);
        }
        assertEquals(0, redis.admin().exists(NS + "books:7"));
        assertTrue(publisher.awaitPublished(TIMEOUT));
    }

    /** The client address of a {@code MONITOR} line: {@code <time> [<db> <address>] "<command>" …}. */
    private static String client(String line) {
        return line.substring(line.indexOf('[') + 1, line.indexOf(']')).split(" ")[1];
    }

    /** A raw {@code MONITOR} connection: the lines of the commands Redis runs, from now on. */
    private static final class Monitor implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;

        Monitor(int port) throws Exception {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String ok = in.readLine();
            if (!"+OK".equals(ok)) {
                throw new IllegalStateException("MONITOR answered " + ok);
            }
        }

        /** The commands run until {@code last} matched one (at least {@code atLeast} lines read). */
        List<String> until(int atLeast, java.util.function.Predicate<String> last) throws Exception {
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (lines.size() >= atLeast && last.test(line)) {
                    return lines;
                }
            }
            throw new IllegalStateException("MONITOR ended after " + lines);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
