package io.weft.benchmarks.l1;

import io.weft.benchmarks.fixtures.Book;
import io.weft.benchmarks.fixtures.Fixtures;
import io.weft.benchmarks.fixtures.WeftFreshness;
import java.util.List;
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

/**
 * The cost of the freshness rules of SPEC §12 on an L1 hit when nothing is due: a hit on a {@code refreshAfter}
 * entry (a clock read and a comparison) and on a {@code sliding} one (a clock read and a comparison) beside a hit on
 * a plain entry of the same key shape; the target is at most 1.2 × the plain hit. The fork needs {@code -javaagent}
 * (see {@link L1Hit}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class L1HitFreshness {

    /** The argument, read from a field on every call so that nothing is constant-folded. */
    @State(Scope.Thread)
    public static class Args {
        public String name;

        @Setup
        public void setUp() {
            name = new String("alice.smith7".toCharArray());
        }
    }

    @State(Scope.Benchmark)
    public static class Weft {
        public WeftFreshness methods;

        @Setup
        public void setUp() {
            methods = new WeftFreshness(Fixtures.BOOKS);
            Args args = new Args();
            args.setUp();
            for (int i = 0; i < 2; i++) {
                methods.plain(args.name);
                methods.refreshing(args.name);
                methods.sliding(args.name);
            }
            check();
        }

        /** Each body ran once: every later call was a hit (and no reload ran: nothing was due). */
        @TearDown(Level.Iteration)
        public void check() {
            if (methods.bodyRuns() != 3) {
                throw new IllegalStateException("WeftFreshness's bodies ran " + methods.bodyRuns() + " times for 3"
                        + " keys: not woven (start the fork with -javaagent, see L1Hit), or an entry was reloaded");
            }
        }
    }

    @Benchmark
    public List<Book> plain(Weft subject, Args args) {
        return subject.methods.plain(args.name);
    }

    @Benchmark
    public List<Book> refreshAfter(Weft subject, Args args) {
        return subject.methods.refreshing(args.name);
    }

    @Benchmark
    public List<Book> sliding(Weft subject, Args args) {
        return subject.methods.sliding(args.name);
    }
}
