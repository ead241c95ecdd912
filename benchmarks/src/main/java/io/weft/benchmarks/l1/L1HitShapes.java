package io.weft.benchmarks.l1;

import com.github.benmanes.caffeine.cache.Cache;
import io.weft.benchmarks.fixtures.Book;
import io.weft.benchmarks.fixtures.Fixtures;
import io.weft.benchmarks.fixtures.WeftShapes;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
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
 * L1 hits for the key shapes of issue 14, each beside raw Caffeine {@code getIfPresent} with the same key
 * text built by hand on every call: {@code book:{id}} (a {@code long}, and a {@code Long}),
 * {@code user:{name}} (a 12-character string), {@code books:{userId}:{page}} (a UUID and an {@code int}),
 * {@code order:{request.customerId}} (a getter), {@code stock:{region}} (an enum), {@code sales:{day}} (a
 * {@code LocalDate}), {@code q:{tenant}:{id}:{page}:{active}} (four placeholders), {@code qp:{request.customerId}:{id}:{page}:{active}}
 * (four, one a getter), {@code grade:{grade}} (a
 * {@code char}), {@code price:{amount}} (a {@code double}), {@code weight:{weight}} (a {@code float}),
 * {@code total:{amount}} (a {@code BigDecimal}),
 * {@code report:{day}} (a {@code java.util.Date}, rendered as its instant with each {@code :} escaped), {@code event:{at}} (a string with {@code :} to escape),
 * {@code since:{from}} (an {@code Instant}), {@code many:{ids}} (a list of three) and the constant
 * {@code tts:voices}. Run with
 * {@code -prof gc} for the allocation per hit. The fork needs {@code -javaagent} (see {@link L1Hit}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class L1HitShapes {

    private static final String AT = "2026-12-06T10:15:30";
    private static final String FROM = "2026-12-06T10:15:30.123Z";
    private static final long REPORT_MILLIS = Instant.parse(FROM).toEpochMilli();

    /** The arguments, read from fields on every call so that nothing is constant-folded. */
    @State(Scope.Thread)
    public static class Args {
        public long id = 1_234_567L;
        public Long boxedId = 1_234_567L;
        public String name;
        public UUID userId;
        public int page = 3;
        public WeftShapes.OrderRequest request;
        public WeftShapes.Region region = WeftShapes.Region.US_EAST;
        public LocalDate day = LocalDate.of(2026, 12, 6);
        public String tenant = new String("acme".toCharArray());
        public boolean active = true;
        public char grade = 'B';
        public double amount = 12.5;
        public float weight = 0.3f;
        public java.math.BigDecimal total = new java.math.BigDecimal("1299.90");
        public java.util.Date reportDay = new java.util.Date(REPORT_MILLIS);
        public List<Long> ids = new java.util.ArrayList<>(List.of(1L, 2L, 3L));
        public String at;
        public Instant from = Instant.parse(FROM);

        @Setup
        public void setUp() {
            name = new String("alice.smith7".toCharArray());
            at = new String(AT.toCharArray());
            userId = new UUID(Fixtures.USER.getMostSignificantBits(), Fixtures.USER.getLeastSignificantBits());
            request = new WeftShapes.OrderRequest(new String("cust-0000042".toCharArray()));
        }
    }

    /** Raw Caffeine 3 holding every key's text, bounded and expiring as a user would configure it. */
    @State(Scope.Benchmark)
    public static class RawCaffeine {
        public Cache<String, List<Book>> cache;

        @Setup
        public void setUp() {
            cache = Fixtures.userCaffeine().build();
            Args args = new Args();
            args.setUp();
            for (String key : List.of("book:" + args.id, "book:boxed:" + args.boxedId, "user:" + args.name,
                    "books:" + args.userId + ":" + args.page, "order:" + args.request.getCustomerId(), "stock:" + args.region, "sales:" + args.day, "tts:voices", "q:acme:" + args.id + ":" + args.page + ":true",
                    "qp:" + args.request.getCustomerId() + ":" + args.id + ":" + args.page + ":true", "grade:B", "price:" + 12.5, "weight:" + 0.3f, "total:1299.90", "report:" + FROM.replace(":", "\\:"), "many:1,2,3",
                    "event:" + AT, "since:" + FROM)) {
                cache.put(key, Fixtures.BOOKS);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Weft {
        public WeftShapes shapes;
        private long bodyRunsAfterSetup;

        @Setup
        public void setUp() {
            shapes = new WeftShapes(Fixtures.BOOKS);
            Args args = new Args();
            args.setUp();
            for (int i = 0; i < 2; i++) {
                shapes.byId(args.id);
                shapes.byBoxedId(args.boxedId);
                shapes.byName(args.name);
                shapes.page(args.userId, args.page);
                shapes.orders(args.request);
                shapes.byRegion(args.region);
                shapes.byDay(args.day);
                shapes.voices();
                shapes.four("acme", args.id, args.page, true);
                shapes.fourWithPath(args.request, args.id, args.page, true);
                shapes.byGrade('B');
                shapes.byAmount(12.5);
                shapes.byWeight(0.3f);
                shapes.byTotal(new java.math.BigDecimal("1299.90"));
                shapes.report(new java.util.Date(REPORT_MILLIS));
                shapes.byIds(List.of(1L, 2L, 3L));
                shapes.byTime(AT);
                shapes.since(Instant.parse(FROM));
            }
            if (shapes.bodyRuns() != 18) {
                throw new IllegalStateException("WeftShapes is not woven (its bodies ran " + shapes.bodyRuns()
                        + " times for 36 calls with 18 keys): start the fork with -javaagent, see L1Hit");
            }
            bodyRunsAfterSetup = shapes.bodyRuns();
        }

        @TearDown(Level.Iteration)
        public void check() {
            long reloads = shapes.bodyRuns() - bodyRunsAfterSetup;
            if (reloads > 60) {
                throw new IllegalStateException("the shapes hit benchmark ran method bodies " + reloads + " times");
            }
        }
    }

    @Benchmark
    public List<Book> weftLongId(Weft subject, Args args) {
        return subject.shapes.byId(args.id);
    }

    @Benchmark
    public List<Book> caffeineLongId(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("book:" + args.id);
    }

    @Benchmark
    public List<Book> weftBoxedLongId(Weft subject, Args args) {
        return subject.shapes.byBoxedId(args.boxedId);
    }

    @Benchmark
    public List<Book> caffeineBoxedLongId(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("book:boxed:" + args.boxedId);
    }

    @Benchmark
    public List<Book> weftName(Weft subject, Args args) {
        return subject.shapes.byName(args.name);
    }

    @Benchmark
    public List<Book> caffeineName(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("user:" + args.name);
    }

    @Benchmark
    public List<Book> weftUuidAndPage(Weft subject, Args args) {
        return subject.shapes.page(args.userId, args.page);
    }

    @Benchmark
    public List<Book> caffeineUuidAndPage(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("books:" + args.userId + ":" + args.page);
    }

    @Benchmark
    public List<Book> weftPropertyPath(Weft subject, Args args) {
        return subject.shapes.orders(args.request);
    }

    @Benchmark
    public List<Book> caffeinePropertyPath(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("order:" + args.request.getCustomerId());
    }

    @Benchmark
    public List<Book> weftEnum(Weft subject, Args args) {
        return subject.shapes.byRegion(args.region);
    }

    @Benchmark
    public List<Book> caffeineEnum(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("stock:" + args.region);
    }

    @Benchmark
    public List<Book> weftDate(Weft subject, Args args) {
        return subject.shapes.byDay(args.day);
    }

    @Benchmark
    public List<Book> caffeineDate(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("sales:" + args.day);
    }

    @Benchmark
    public List<Book> weftFour(Weft subject, Args args) {
        return subject.shapes.four(args.tenant, args.id, args.page, args.active);
    }

    @Benchmark
    public List<Book> caffeineFour(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("q:" + args.tenant + ":" + args.id + ":" + args.page + ":" + args.active);
    }

    @Benchmark
    public List<Book> weftFourWithPath(Weft subject, Args args) {
        return subject.shapes.fourWithPath(args.request, args.id, args.page, args.active);
    }

    @Benchmark
    public List<Book> caffeineFourWithPath(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("qp:" + args.request.getCustomerId() + ":" + args.id + ":" + args.page + ":"
                + args.active);
    }

    @Benchmark
    public List<Book> weftChar(Weft subject, Args args) {
        return subject.shapes.byGrade(args.grade);
    }

    @Benchmark
    public List<Book> caffeineChar(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("grade:" + args.grade);
    }

    @Benchmark
    public List<Book> weftDouble(Weft subject, Args args) {
        return subject.shapes.byAmount(args.amount);
    }

    @Benchmark
    public List<Book> caffeineDouble(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("price:" + args.amount);
    }

    @Benchmark
    public List<Book> weftBigDecimal(Weft subject, Args args) {
        return subject.shapes.byTotal(args.total);
    }

    @Benchmark
    public List<Book> caffeineBigDecimal(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("total:" + args.total);
    }

    @Benchmark
    public List<Book> weftUtilDate(Weft subject, Args args) {
        return subject.shapes.report(args.reportDay);
    }

    /** The key text as Weft renders a {@code Date}: its instant, each {@code :} escaped (SPEC §3). */
    @Benchmark
    public List<Book> caffeineUtilDate(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("report:" + args.reportDay.toInstant().toString().replace(":", "\\:"));
    }

    @Benchmark
    public List<Book> weftFloat(Weft subject, Args args) {
        return subject.shapes.byWeight(args.weight);
    }

    @Benchmark
    public List<Book> caffeineFloat(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("weight:" + args.weight);
    }

    @Benchmark
    public List<Book> weftEscaped(Weft subject, Args args) {
        return subject.shapes.byTime(args.at);
    }

    @Benchmark
    public List<Book> caffeineEscaped(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("event:" + args.at);
    }

    @Benchmark
    public List<Book> weftInstant(Weft subject, Args args) {
        return subject.shapes.since(args.from);
    }

    @Benchmark
    public List<Book> caffeineInstant(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("since:" + args.from);
    }

    @Benchmark
    public List<Book> weftList(Weft subject, Args args) {
        return subject.shapes.byIds(args.ids);
    }

    @Benchmark
    public List<Book> caffeineList(RawCaffeine subject, Args args) {
        return subject.cache.getIfPresent("many:" + args.ids.get(0) + "," + args.ids.get(1) + "," + args.ids.get(2));
    }

    @Benchmark
    public List<Book> weftConstant(Weft subject) {
        return subject.shapes.voices();
    }

    @Benchmark
    public List<Book> caffeineConstant(RawCaffeine subject) {
        return subject.cache.getIfPresent("tts:voices");
    }
}
