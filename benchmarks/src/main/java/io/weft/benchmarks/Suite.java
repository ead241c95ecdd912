package io.weft.benchmarks;

import java.io.File;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole JMH suite the way docs/benchmarks.md reports it and writes one JMH JSON file: the L1
 * hit benchmarks with 1 and 2 threads, the batch hit (issue 16) and the miss path with 1 thread, every fork started with
 * {@code -javaagent:<weft-agent.jar>} (the same JVM for every variant; only {@code WeftBooks} carries a
 * Weft annotation, so nothing else is woven) and with JMH's GC profiler for bytes per operation.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.weft.benchmarks.Suite --agent /abs/agent/target/weft-agent.jar \
 *      --out results.json [--smoke] [--only REGEX]
 * </pre>
 *
 * {@code --only} keeps the benchmarks whose method name contains a match ({@code --only 'weft|Spring'}).
 *
 * {@code --smoke} runs every benchmark once, briefly, in one fork with one thread: it checks that they
 * still start and that Weft is still woven, nothing more.
 */
public final class Suite {

    private static final String L1_HIT = "io\\.weft\\.benchmarks\\.l1\\.L1Hit\\.";
    private static final String L1_SHAPES = "io\\.weft\\.benchmarks\\.l1\\.L1HitShapes\\.";
    private static final String L1_BATCH = "io\\.weft\\.benchmarks\\.l1\\.L1BatchHit\\.";
    private static final String L1_FRESHNESS = "io\\.weft\\.benchmarks\\.l1\\.L1HitFreshness\\.";
    private static final String MISS = "io\\.weft\\.benchmarks\\.miss\\.Miss\\.";
    private static final String L2_HIT = "io\\.weft\\.benchmarks\\.l2\\.L2Hit\\.";
    private static final String PG_L2_HIT = "io\\.weft\\.benchmarks\\.l2\\.PgL2Hit\\.";

    private Suite() {
    }

    public static void main(String[] argv) throws Exception {
        String agent = null;
        String out = null;
        String only = null;
        boolean smoke = false;
        String redis = null;
        String postgres = null;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--agent":
                    agent = argv[++i];
                    break;
                case "--out":
                    out = argv[++i];
                    break;
                case "--only":
                    only = argv[++i];
                    break;
                case "--redis":
                    redis = argv[++i];
                    break;
                case "--postgres":
                    postgres = argv[++i];
                    break;
                case "--smoke":
                    smoke = true;
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + argv[i]
                            + "; usage: --agent <weft-agent.jar> --out <file.json> [--smoke] [--only REGEX] [--redis redis://127.0.0.1:PORT]"
                            + " [--postgres jdbc:postgresql://HOST:PORT/DB?user=…]");
            }
        }
        if (agent == null || !new File(agent).isFile()) {
            throw new IllegalArgumentException("--agent must name the built weft-agent.jar, got " + agent);
        }
        String javaagent = "-javaagent:" + new File(agent).getAbsolutePath();

        List<RunResult> results = new ArrayList<>();
        results.addAll(run(L1_HIT, only, 1, smoke, javaagent));
        results.addAll(run(L1_SHAPES, only, 1, smoke, javaagent));
        results.addAll(run(L1_BATCH, only, 1, smoke, javaagent));
        results.addAll(run(L1_FRESHNESS, only, 1, smoke, javaagent));
        if (!smoke) {
            results.addAll(run(L1_HIT, only, 2, false, javaagent));
            results.addAll(run(L1_SHAPES, only, 2, false, javaagent));
        }
        results.addAll(run(MISS, only, 1, smoke, javaagent));
        if (redis != null) {
            // L2 hit: a private redis-server; Weft without an L1 (see L2Hit)
            results.addAll(run(L2_HIT, only, 1, smoke, javaagent, "-Dbenchmarks.redis=" + redis,
                    "-Dweft.redis.uri=" + redis, "-Dweft.l1.maxSize=0"));
        } else {
            System.out.println("no --redis: the L2-hit benchmarks are skipped");
        }
        if (postgres != null) {
            // L2 hit from PostgreSQL: Weft without an L1, on a table of this run's own (see PgL2Hit)
            String table = "bench_weft_" + Long.toHexString(System.nanoTime());
            results.addAll(run(PG_L2_HIT, only, 1, smoke, javaagent, "-Dbenchmarks.postgres=" + postgres,
                    "-Dweft.store.uri=" + postgres, "-Dweft.store.table=" + table, "-Dweft.l1.maxSize=0"));
        } else {
            System.out.println("no --postgres: the PostgreSQL L2-hit benchmarks are skipped");
        }

        if (out != null) {
            File file = new File(out);
            if (file.getParentFile() != null) {
                file.getParentFile().mkdirs();
            }
            try (PrintStream stream = new PrintStream(new FileOutputStream(file), true, StandardCharsets.UTF_8)) {
                ResultFormatFactory.getInstance(ResultFormatType.JSON, stream).writeOut(results);
            }
            System.out.println("wrote " + file);
        }
    }

    private static Collection<RunResult> run(String group, String only, int threads, boolean smoke, String javaagent,
            String... extraJvmArgs) throws Exception {
        List<String> jvmArgs = new ArrayList<>(List.of(javaagent, "-Xms1g", "-Xmx1g"));
        jvmArgs.addAll(List.of(extraJvmArgs));
        // --only matches within the method name: the package name itself contains "weft"
        String include = only == null ? group : group + "\\w*(?:" + only + ")\\w*$";
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .threads(threads)
                .jvmArgsAppend(jvmArgs.toArray(new String[0]))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (smoke) {
            options.forks(1)
                    .warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(300));
        } else {
            options.forks(2)
                    .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.isEmpty() && only == null && !group.equals(L2_HIT)) {
            throw new IllegalStateException("no benchmark matched " + include);
        }
        return results;
    }
}
