package io.weft.it.support;

import io.weft.agent.testing.Closer;
import io.weft.agent.testing.RedisFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Instances of the {@code hotkeys} test application (app.HotKeys) sharing one Redis and one namespace, each connected
 * and reading events before it is handed over, with the operations server on; and readers of its replies.
 */
public final class HotKeysFleet {

    private static final Duration CALL = Duration.ofSeconds(60);

    /** The namespace the instances share. */
    public final String namespace = "hot-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    /** The instances, in start order. */
    public final List<AppJvm> apps = new ArrayList<>();
    private final ExecutorService callers = Executors.newCachedThreadPool();

    /**
     * Starts {@code count} instances with {@code weft.lease.wait} = {@code leaseWait}, closed by {@code closer};
     * {@code db} is the directory their "database" reads.
     */
    public HotKeysFleet(RedisFixture redis, Closer closer, int count, String leaseWait, Path db) throws Exception {
        closer.later(callers::shutdownNow);
        Path classes = TestApps.compile("hotkeys", List.of("-g"));
        for (int i = 0; i < count; i++) {
            apps.add(closer.later(AppJvm.builder().property("weft.redis.uri", redis.uri())
                    .property("weft.namespace", namespace).property("weft.redis.timeout", "2s")
                    .property("weft.lease.wait", leaseWait).property("weft.http.port", "0")
                    .property("db", db.toString()).classpath(classes, Paths.annotationsJar()).main("app.HotKeys")
                    .start()));
        }
        for (AppJvm app : apps) {
            app.awaitStdout("READY"::equals, CALL);
            app.call("price warm", CALL); // the first cached call: Redis is connected by its end
            app.awaitStderr(line -> line.contains("reading invalidation events"), CALL);
        }
    }

    /** Sends {@code request} to each of {@code instances} at once, each on a thread of its own; their replies. */
    public List<CompletableFuture<String>> callEach(List<AppJvm> instances, String request) {
        List<CompletableFuture<String>> replies = new ArrayList<>();
        for (AppJvm app : instances) {
            replies.add(CompletableFuture.supplyAsync(() -> app.call(request, CALL), callers));
        }
        return replies;
    }

    /** The sum of one metric over the instances ({@code labels} as {@code k, v, k, v …}). */
    public double sum(String metric, String... labels) {
        return apps.stream().mapToDouble(app -> Metrics.value(app, metric, labels)).sum();
    }

    /** The start times (epoch ms) of the method's runs for {@code key} in {@code instances}, in order. */
    public static List<Long> runs(List<AppJvm> instances, String key) {
        List<Long> starts = new ArrayList<>();
        for (AppJvm app : instances) {
            String reply = app.call("runs " + key, CALL);
            String list = reply.substring(reply.indexOf('[') + 1, reply.indexOf(']'));
            Arrays.stream(list.split(", ")).filter(s -> !s.isEmpty()).map(Long::valueOf).forEach(starts::add);
        }
        starts.sort(null);
        return starts;
    }

    /** The number {@code name=<n>} in a reply. */
    public static long number(String reply, String name) {
        Matcher m = Pattern.compile(name + "=(\\d+)").matcher(reply);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + reply);
        }
        return Long.parseLong(m.group(1));
    }
}
