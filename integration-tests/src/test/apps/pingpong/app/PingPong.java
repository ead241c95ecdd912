package app;

import io.weft.annotations.CacheResult;
import io.weft.annotations.InvalidateCache;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures cross-instance eviction delay between two JVMs. The {@code reader} caches keys 0..n-1 and reads them
 * all again (reported as {@code CHECK loaded=} and {@code CHECK reloaded=}, body runs: n and 0 when it holds
 * them), then for each key in turn calls the cached method until its body runs again (the entry was evicted) and
 * records when; a key not evicted within 10 s is reported as {@code CHECK timedOut=i} and ends the run. After
 * {@code DONE} the reader waits for its standard input to close, so that its metrics can still be read.
 * The {@code writer} invalidates key i every {@code periodMillis} and records when each invalidation began and
 * when it returned ({@code i began returned}). Times are wall-clock microseconds of the one host both JVMs run on.
 */
public class PingPong {

    static final AtomicLong LOADED_AT = new AtomicLong();
    static final AtomicLong RUNS = new AtomicLong();
    /** How long the reader waits for one key's eviction (well below the L1 TTL the test sets) before it gives up. */
    static final long KEY_WAIT_NANOS = 10_000_000_000L;

    @CacheResult(key = "pingpong:{i}", ttl = "1h")
    public int value(int i) {
        LOADED_AT.set(micros());
        RUNS.incrementAndGet();
        return i;
    }

    @InvalidateCache(keys = "pingpong:{i}")
    public void invalidate(int i) {
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    public static void main(String[] args) throws Exception {
        String role = args[0];
        int n = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        PingPong app = new PingPong();
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(out))) {
            if (role.equals("reader")) {
                for (int i = 0; i < n; i++) {
                    app.value(i);
                }
                long loaded = RUNS.get();
                for (int i = 0; i < n; i++) {
                    app.value(i);
                }
                System.out.println("CHECK loaded=" + loaded);
                System.out.println("CHECK reloaded=" + (RUNS.get() - loaded));
                System.out.println("READY");
                for (int i = 0; i < n; i++) {
                    long before = LOADED_AT.get();
                    long deadline = System.nanoTime() + KEY_WAIT_NANOS;
                    while (LOADED_AT.get() == before && System.nanoTime() < deadline) {
                        app.value(i);
                        LockSupport.parkNanos(50_000); // polls every ~50 µs without taking a core from the other JVM
                    }
                    if (LOADED_AT.get() == before) {
                        System.out.println("CHECK timedOut=" + i);
                        break;
                    }
                    log.println(i + " " + LOADED_AT.get());
                }
            } else {
                long period = Long.parseLong(args[3]);
                for (int i = 0; i < n; i++) {
                    long began = micros();
                    app.invalidate(i);
                    log.println(i + " " + began + " " + micros());
                    Thread.sleep(period);
                }
            }
        }
        System.out.println("DONE");
        if (role.equals("reader")) {
            System.in.transferTo(OutputStream.nullOutputStream()); // until the test closes it
        }
    }
}
