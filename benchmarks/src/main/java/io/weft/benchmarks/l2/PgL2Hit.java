package io.weft.benchmarks.l2;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.benchmarks.fixtures.Book;
import io.weft.benchmarks.fixtures.Fixtures;
import io.weft.benchmarks.fixtures.WeftRemoteBooks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An L2 hit of {@code List<Book> getBooks(UUID userId)} (the ~1 KB list of {@link Fixtures#BOOKS}) from
 * PostgreSQL ({@code weft.store.uri}, SPEC §14), with no L1 in the way, beside its floor: one JDBC
 * {@code SELECT value … WHERE key = ?} by primary key on a table of the same shape, and a Jackson decode.
 *
 * <p>The fork needs {@code -Dbenchmarks.postgres=jdbc:postgresql://…} and, for {@link #weft},
 * {@code -javaagent:<weft-agent.jar> -Dweft.store.uri=<same> -Dweft.store.table=<its own> -Dweft.l1.maxSize=0}
 * ({@code io.weft.benchmarks.Suite --postgres URL} passes all of them, with a table of the run's own, which
 * the fork drops at its end). The benchmark uses its own pgjdbc beside Weft's relocated copy.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class PgL2Hit {

    static String postgresUrl() {
        String url = System.getProperty("benchmarks.postgres");
        if (url == null || url.isEmpty()) {
            throw new IllegalStateException("PgL2Hit needs -Dbenchmarks.postgres=jdbc:postgresql://…"
                    + " (io.weft.benchmarks.Suite --postgres passes it)");
        }
        return url;
    }

    /** Raw JDBC (one connection, a prepared statement) and Jackson: what a hand-written read of the row is. */
    @State(Scope.Benchmark)
    public static class Raw {
        public Connection connection;
        public PreparedStatement select;
        public ObjectMapper mapper;
        private final String table = "bench_l2raw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

        @Setup
        public void setUp() throws Exception {
            connection = DriverManager.getConnection(postgresUrl());
            mapper = new ObjectMapper();
            byte[] json = mapper.writeValueAsBytes(Fixtures.BOOKS);
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE " + table + " (key text COLLATE \"C\" PRIMARY KEY, value bytea NOT NULL)");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
                for (int i = 0; i < L2Hit.USERS; i++) {
                    insert.setString(1, "bench:l2raw:" + L2Hit.user(i));
                    insert.setBytes(2, json);
                    insert.executeUpdate();
                }
            }
            select = connection.prepareStatement("SELECT value FROM " + table + " WHERE key = ?");
            if (!read(L2Hit.user(0)).equals(Fixtures.BOOKS)) {
                throw new IllegalStateException("the raw L2 value does not read back equal");
            }
        }

        List<Book> read(UUID user) throws Exception {
            select.setString(1, "bench:l2raw:" + user);
            try (ResultSet r = select.executeQuery()) {
                r.next();
                return mapper.readValue(r.getBytes(1), L2Hit.BOOK_LIST);
            }
        }

        @TearDown
        public void tearDown() throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            } finally {
                connection.close();
            }
        }
    }

    /** Weft without an L1: fills the table through the woven method and checks that each call reads it. */
    @State(Scope.Benchmark)
    public static class Weft {
        public WeftRemoteBooks books;
        private BodyRuns bodyRuns;

        @Setup
        public void setUp() throws Exception {
            String table = System.getProperty("weft.store.table");
            if (!"0".equals(System.getProperty("weft.l1.maxSize")) || System.getProperty("weft.store.uri") == null
                    || table == null) {
                throw new IllegalStateException("the Weft PostgreSQL L2 benchmark needs -Dweft.store.uri=<url>"
                        + " -Dweft.store.table=<name> -Dweft.l1.maxSize=0 (io.weft.benchmarks.Suite --postgres passes them)");
            }
            books = new WeftRemoteBooks(Fixtures.BOOKS);
            bodyRuns = new BodyRuns("WeftRemoteBooks#getBooks", "the table", books::bodyRuns);
            for (int i = 0; i < L2Hit.USERS; i++) {
                books.getBooks(L2Hit.user(i));
            }
            if (books.bodyRuns() != L2Hit.USERS) {
                throw new IllegalStateException("WeftRemoteBooks#getBooks is not woven or not cached (body ran "
                        + books.bodyRuns() + " times): start the fork with -javaagent:<agent/target/weft-agent.jar>");
            }
            // stores are asynchronous: wait until every row holds its value
            try (Connection c = DriverManager.getConnection(postgresUrl());
                    PreparedStatement stored = c.prepareStatement("SELECT count(*) FROM " + table
                            + " WHERE key LIKE '" + WeftRemoteBooks.PREFIX + "%' AND value IS NOT NULL")) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (count(stored) < L2Hit.USERS) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Weft did not store the values in " + table + " within 10 s");
                    }
                    Thread.sleep(5);
                }
            }
            bodyRuns.filled();
            for (int i = 0; i < L2Hit.USERS; i++) {
                UUID id = new UUID(L2Hit.user(i).getMostSignificantBits(), L2Hit.user(i).getLeastSignificantBits());
                List<Book> back = books.getBooks(id);
                if (back == Fixtures.BOOKS || !back.equals(Fixtures.BOOKS)) {
                    throw new IllegalStateException("Weft's L2 hit did not return an equal copy read from the table");
                }
            }
            bodyRuns.requireNone();
        }

        private static long count(PreparedStatement s) throws SQLException {
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }

        @TearDown(Level.Iteration)
        public void check() {
            bodyRuns.requireNone();
        }

        @TearDown
        public void tearDown() throws SQLException {
            String table = System.getProperty("weft.store.table");
            try (Connection c = DriverManager.getConnection(postgresUrl()); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table + ", " + table + "_tags, " + table + "_events");
            }
        }
    }

    @Benchmark
    public List<Book> floorJdbcSelectJackson(Raw raw, L2Hit.Users users) throws Exception {
        int i = users.next;
        users.next = (i + 1) & (L2Hit.USERS - 1);
        return raw.read(users.ids[i]);
    }

    @Benchmark
    public List<Book> weft(Weft weft, L2Hit.Users users) {
        int i = users.next;
        users.next = (i + 1) & (L2Hit.USERS - 1);
        return weft.books.getBooks(users.ids[i]);
    }
}
