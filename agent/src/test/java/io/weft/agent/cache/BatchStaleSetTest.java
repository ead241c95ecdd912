package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import io.weft.agent.bootstrap.Hit;
import io.weft.agent.bootstrap.Token;
import io.weft.agent.events.EventStreams;
import io.weft.agent.keys.BatchTemplate;
import io.weft.agent.keys.KeyRenderer;
import io.weft.agent.keys.Template;
import io.weft.agent.metrics.CacheStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * The stale-set race (SPEC §5) with batch methods in one JVM: writers commit a new version of a row and then
 * invalidate its key, while batch calls and single-element calls of the same keys read the rows. No read that
 * starts after an invalidation returned may see a version older than the one that invalidation followed. The race
 * is first made certain, once for a batch call and once for a single-element call (a write of a row between the
 * body's read of it and its return, whose load must then be discarded), before the random interleavings.
 */
class BatchStaleSetTest {

    private static final int ROWS = 4;
    private static final int OPERATIONS = 3_000;

    private final AtomicLongArray database = new AtomicLongArray(ROWS);
    /** Per row, the version that every read starting now must see at least: committed, then invalidated. */
    private final AtomicLongArray settled = new AtomicLongArray(ROWS);
    private final AtomicInteger staleReads = new AtomicInteger();
    private final MethodTable methods = new MethodTable();
    private final LoaderScopes scopes = new LoaderScopes();
    private final CacheRegistry caches = new CacheRegistry();
    private final CacheRuntime runtime = new CacheRuntime(methods, scopes, 10_000, TimeUnit.HOURS.toNanos(1),
            Duration.ofSeconds(5), Ticker.systemTicker(), Ticker.systemTicker());
    private final int batch;
    private final int single;
    private final int save;

    /** The declared methods (their types are what values would be read back as). */
    static final class Rows {
        Map<Integer, Long> rows(List<Integer> ids) {
            return Map.of();
        }

        Long row(Integer id) {
            return 0L;
        }
    }

    BatchStaleSetTest() {
        ClassLoader loader = getClass().getClassLoader();
        BatchTemplate key = BatchTemplate.bind(Template.parse("row:{ids[*]}"),
                new ListParameter("ids", "java.lang.Integer"), false);
        DeclaredMethod rows = new DeclaredMethod(Rows.class.getName(), "rows", List.of("java.util.List"),
                List.of("ids"), loader);
        batch = methods.register(new BatchMethod(cached(rows, key.element(), ResultShape.BATCH), key));
        DeclaredMethod row = new DeclaredMethod(Rows.class.getName(), "row", List.of("java.lang.Integer"),
                List.of("id"), loader);
        single = methods.register(cached(row, (args, result) -> "row:" + args[0], ResultShape.PLAIN));
        save = methods.register(new Invalidation(row, List.of((args, result) -> "row:" + args[0]), List.of(), false,
                EventStreams.CACHE_INVALIDATED));
    }

    private CachedMethod cached(DeclaredMethod declared, KeyRenderer key, ResultShape shape) {
        return new CachedMethod(declared, caches.cache("row", true), key, scopes.of(getClass().getClassLoader()),
                3_600_000, TimeUnit.HOURS.toNanos(1), false, true, shape, null, List.of(), false, 0);
    }

    private void write() {
        write(ThreadLocalRandom.current().nextInt(ROWS));
    }

    /** Commits a new version of row {@code id}, then invalidates its key. */
    private void write(int id) {
        long version = database.incrementAndGet(id);
        runtime.invalidate(save, new Object[] {id}, null);
        settled.accumulateAndGet(id, version, Math::max);
    }

    /** A batch of random rows as woven code calls it; each value checked against what was settled before. */
    private void readBatch() {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < ROWS; id++) {
            if (ThreadLocalRandom.current().nextBoolean()) {
                ids.add(id);
            }
        }
        readBatch(ids);
    }

    @SuppressWarnings("unchecked")
    private void readBatch(List<Integer> ids) {
        long[] before = settledNow();
        Object[] args = {ids};
        Token token = runtime.enterBatch(batch, args);
        Map<Integer, Long> values;
        if (token instanceof Hit) {
            values = (Map<Integer, Long>) ((Hit) token).value();
        } else {
            Map<Integer, Long> loaded = new LinkedHashMap<>();
            for (Integer id : (List<Integer>) args[0]) {
                loaded.put(id, database.get(id));
            }
            values = (Map<Integer, Long>) runtime.exitBatch(batch, token, args, loaded);
        }
        assertEquals(ids, new ArrayList<>(values.keySet()));
        values.forEach((id, version) -> check(before, id, version));
    }

    private void readSingle() {
        readSingle(ThreadLocalRandom.current().nextInt(ROWS));
    }

    private void readSingle(int id) {
        long[] before = settledNow();
        Object version = WovenCall.call(runtime, single, String.valueOf(id), () -> database.get(id));
        check(before, id, (Long) version);
    }

    private long[] settledNow() {
        long[] now = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
            now[i] = settled.get(i);
        }
        return now;
    }

    private void check(long[] before, int id, long version) {
        if (version < before[id]) {
            staleReads.incrementAndGet();
        }
    }

    /**
     * The race, made certain: a batch call of every row (none in L1) reads them from the database, then row
     * {@code id} is written (committed and invalidated) on another thread, and only then does the body return what
     * it read. Every read of the rows that follows is checked.
     */
    @SuppressWarnings("unchecked")
    private void batchOverlappedByAWriteOf(int id) throws Exception {
        List<Integer> ids = List.of(0, 1, 2, 3);
        long[] before = settledNow();
        Object[] args = {ids};
        Token token = runtime.enterBatch(batch, args);
        assertTrue(token instanceof BatchLoad, "every row missed: the body runs");
        Map<Integer, Long> loaded = new LinkedHashMap<>();
        for (Integer row : (List<Integer>) args[0]) {
            loaded.put(row, database.get(row));
        }
        onAnotherThread(() -> write(id));
        Map<Integer, Long> values = (Map<Integer, Long>) runtime.exitBatch(batch, token, args, loaded);
        assertEquals(ids, new ArrayList<>(values.keySet()));
        values.forEach((row, version) -> check(before, row, version));
        for (int row = 0; row < ROWS; row++) {
            readSingle(row);
        }
        readBatch(ids);
    }

    /**
     * The same race for the single-element method: row {@code id} is written first (so that it is not in L1), then a
     * call's body reads it, and it is written again on another thread before the body returns.
     */
    private void singleOverlappedByAWriteOf(int id) throws Exception {
        write(id);
        long[] before = settledNow();
        AtomicInteger bodyRuns = new AtomicInteger();
        Object version = WovenCall.call(runtime, single, String.valueOf(id), () -> {
            bodyRuns.incrementAndGet();
            long read = database.get(id);
            onAnotherThread(() -> write(id));
            return read;
        });
        assertEquals(1, bodyRuns.get(), "the row missed: the body ran");
        check(before, id, (Long) version);
        readSingle(id);
        readBatch(List.of(id));
    }

    /** Runs {@code work} on a thread of its own and waits for it: a writer that is not the reading thread. */
    private static void onAnotherThread(Runnable work) {
        Thread thread = new Thread(work, "writer");
        thread.start();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertTrue(!thread.isAlive(), "the write returned");
    }

    @Test
    void noReadAfterAnInvalidationSeesTheVersionBeforeIt() throws Exception {
        CacheStats stats = caches.find("row").stats();
        batchOverlappedByAWriteOf(2);
        assertEquals(1, stats.staleStoresDiscarded(), "the batch's load of row 2, overlapped by its write, was not kept");
        singleOverlappedByAWriteOf(2);
        assertEquals(2, stats.staleStoresDiscarded(), "nor the single call's");
        assertEquals(0, staleReads.get(), "stale reads after the certain overlaps");

        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Runnable work : List.<Runnable>of(this::write, this::write, this::readBatch, this::readBatch,
                    this::readBatch, this::readSingle)) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < OPERATIONS; i++) {
                        work.run();
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, staleReads.get(), "stale reads");
        assertEquals(0, runtime.loadsInFlight());
        assertTrue(caches.find("row").stats().batchLoadedElements() > 0, "batches loaded rows");
        assertTrue(caches.find("row").stats().batchL1Elements() > 0, "and found some in L1");
    }
}
