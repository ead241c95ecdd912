package io.weft.benchmarks.stampede;

import static io.weft.benchmarks.PeerJvms.micros;

import io.weft.annotations.CacheResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One of the JVMs of a cold-key stampede, started by {@link Stampede}:
 * {@code StampedePeer weft|plain <threads> <peer index> <body ms>}. It checks that {@link Loader#load} is woven
 * ({@code weft}: a second call on a key does not run the body) or not ({@code plain}), calls it on keys of its
 * own to warm up, starts its threads, which wait, and prints {@code READY}. Then, for each line {@code GO <round>} on its standard input, it lets every thread
 * call {@code load(round)} at once and, once all have returned, prints
 * {@code ROUND <round> <body runs> <first call start µs> <last call start µs> <wait µs of each call...>}
 * (starts in wall-clock µs, comparable between the JVMs of the host). {@code EXIT} (or the end of input) ends it.
 */
public final class StampedePeer {

    private static final int STOP = Integer.MIN_VALUE;
    private static final int WARM_CALLS = 200;

    private StampedePeer() {
    }

    /** The cold key every thread of the fleet asks for at once, with a slow body (a database query, say). */
    public static class Loader {
        static final AtomicInteger RUNS = new AtomicInteger();
        static volatile long bodyMillis = 200;

        @CacheResult(key = "bench:stampede:{round}", ttl = "1h")
        public String load(int round) {
            RUNS.incrementAndGet();
            try {
                Thread.sleep(bodyMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "the value of round " + round;
        }
    }

    public static void main(String[] args) throws Exception {
        boolean weft = args[0].equals("weft");
        int threads = Integer.parseInt(args[1]);
        int peer = Integer.parseInt(args[2]);
        Loader.bodyMillis = Long.parseLong(args[3]);
        Loader loader = new Loader();

        // Woven or not, as the variant expects: a key of this JVM's own, called twice (its body ran once if cached).
        loader.load(-1 - peer);
        loader.load(-1 - peer);
        int expected = weft ? 1 : 2;
        if (Loader.RUNS.get() != expected) {
            System.out.println("FAILED: Loader#load ran its body " + Loader.RUNS.get() + " times on two calls of one key,"
                    + " expected " + expected + (weft ? ": it is not woven (start this JVM with"
                    + " -javaagent:<weft-agent.jar> -Dweft.redis.uri=...)" : ": it is woven although no agent was given"));
            System.exit(1);
        }

        // The miss path (lookup, lease, store) run a few times on keys of this JVM's own, with a body that returns at
        // once, before the first measured round: the JIT and the Redis connection are warm.
        long body = Loader.bodyMillis;
        Loader.bodyMillis = 0;
        for (int i = 0; i < WARM_CALLS; i++) {
            loader.load(-1_000_000 * (peer + 1) - i);
        }
        Loader.bodyMillis = body;

        CyclicBarrier barrier = new CyclicBarrier(threads + 1); // the callers and this thread: tripped twice a round
        long[] starts = new long[threads];
        long[] waits = new long[threads];
        int[] round = {STOP};
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread caller = new Thread(() -> {
                try {
                    while (true) {
                        barrier.await();
                        int r = round[0]; // written before the barrier tripped: visible after it
                        if (r == STOP) {
                            return;
                        }
                        starts[index] = micros();
                        long t0 = System.nanoTime();
                        try {
                            loader.load(r);
                            waits[index] = (System.nanoTime() - t0) / 1_000;
                        } catch (RuntimeException e) {
                            System.out.println("call failed: " + e);
                            waits[index] = -1;
                        }
                        barrier.await();
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    Thread.currentThread().interrupt();
                }
            }, "caller-" + i);
            caller.setDaemon(true);
            caller.start();
        }
        System.out.println("READY");

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && line.startsWith("GO ")) {
            round[0] = Integer.parseInt(line.substring(3).trim());
            int before = Loader.RUNS.get();
            barrier.await(); // every caller starts
            barrier.await(); // every caller has returned
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < threads; i++) {
                first = Math.min(first, starts[i]);
                last = Math.max(last, starts[i]);
                out.append(' ').append(waits[i]);
            }
            System.out.println("ROUND " + round[0] + " " + (Loader.RUNS.get() - before) + " " + first + " " + last + out);
        }
        round[0] = STOP;
        barrier.await();
        System.exit(0);
    }
}
