package io.weft.benchmarks.l1;

import io.weft.benchmarks.fixtures.Book;
import io.weft.benchmarks.fixtures.Fixtures;
import io.weft.benchmarks.fixtures.WeftBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A fully L1-cached batch of 100 ids ({@code bench:book:{ids[*]}}) against 100 L1 hits of the single-element
 * method that shares its entries ({@code bench:book:{id}}); issue 16 asks for at most 1.3 × the singles. Run with
 * {@code -prof gc} for the allocation per batch. The fork needs {@code -javaagent} (see {@link L1Hit}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class L1BatchHit {

    private static final int BATCH = 100;

    @State(Scope.Benchmark)
    public static class Weft {
        public WeftBatch books;
        public List<Long> ids;
        private long bodyRunsAfterSetup;

        @Setup
        public void setUp() {
            books = new WeftBatch(Fixtures.BOOKS.get(0));
            ids = new ArrayList<>(BATCH);
            for (long id = 0; id < BATCH; id++) {
                ids.add(1_000_000L + id);
            }
            books.byIds(ids);
            books.byIds(ids);
            for (Long id : ids) {
                books.byId(id);
            }
            if (books.bodyRuns() != 1) {
                throw new IllegalStateException("WeftBatch is not woven (its bodies ran " + books.bodyRuns()
                        + " times where the batch's entries should have served everything after the first call):"
                        + " start the fork with -javaagent, see L1Hit");
            }
            bodyRunsAfterSetup = books.bodyRuns();
        }

        @TearDown(Level.Iteration)
        public void check() {
            if (books.bodyRuns() != bodyRunsAfterSetup) {
                throw new IllegalStateException("the batch hit benchmark ran method bodies");
            }
        }
    }

    @Benchmark
    public Map<Long, Book> weftBatchOf100(Weft subject) {
        return subject.books.byIds(subject.ids);
    }

    @Benchmark
    public void weft100Singles(Weft subject, Blackhole hole) {
        List<Long> ids = subject.ids;
        for (int i = 0; i < BATCH; i++) {
            hole.consume(subject.books.byId(ids.get(i)));
        }
    }
}
