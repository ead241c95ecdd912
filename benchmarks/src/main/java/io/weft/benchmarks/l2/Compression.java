package io.weft.benchmarks.l2;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.benchmarks.fixtures.Book;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code weft.redis.compress.minBytes} trades (issue 16 §3): the size of a stored book list (about 1 KB and
 * 100 KB of JSON) plain and gzip-compressed as Weft stores it (the JDK's {@code GZIPOutputStream}, default level),
 * printed at setup, and the cost of reading it back (decode of the JSON, with inflating first for the compressed
 * form) and of writing it. No agent is needed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class Compression {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Book>> BOOKS = new TypeReference<>() {
    };

    /** Books in the list: 14 make about 1 KB of JSON, 1,400 about 100 KB. */
    @Param({"14", "1400"})
    public int books;

    private List<Book> value;
    private byte[] plain;
    private byte[] gzipped;

    @Setup
    public void setUp() throws IOException {
        value = new ArrayList<>(books);
        for (int i = 0; i < books; i++) {
            value.add(new Book(new UUID(0x5eedL, i), "The storybook volume number " + i));
        }
        plain = JSON.writeValueAsBytes(value);
        gzipped = gzip(plain);
        System.out.printf(Locale.ROOT, "%n%d books: %,d bytes of JSON, %,d gzipped (%.0f %%)%n", books, plain.length,
                gzipped.length, 100.0 * gzipped.length / plain.length);
    }

    @Benchmark
    public List<Book> readPlain() throws IOException {
        return JSON.readValue(plain, BOOKS);
    }

    @Benchmark
    public List<Book> readGzipped() throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return JSON.readValue(in, BOOKS);
        }
    }

    @Benchmark
    public byte[] writePlain() throws IOException {
        return JSON.writeValueAsBytes(value);
    }

    @Benchmark
    public byte[] writeGzipped() throws IOException {
        return gzip(JSON.writeValueAsBytes(value));
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, bytes.length / 4));
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }
}
