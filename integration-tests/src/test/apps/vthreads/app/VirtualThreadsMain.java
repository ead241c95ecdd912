package app;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code args[0]} virtual threads call one cold key at once; prints the number of body runs and of distinct
 * values. One more virtual thread sleeps in a class initializer, which pins it, so that the test knows its
 * recording sees pinning. Compiled for Java 17: the virtual-thread executor is looked up reflectively.
 */
public class VirtualThreadsMain {

    /** Pins the virtual thread that initializes it: it sleeps in {@code <clinit>}. */
    static final class PinsOnPurpose {
        static {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void touch() {
        }
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        Cold cold = new Cold();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> calls = new ArrayList<>();
        ExecutorService executor = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        try {
            for (int i = 0; i < threads; i++) {
                calls.add(executor.submit(() -> {
                    go.await();
                    return cold.load("k");
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            Set<String> values = new HashSet<>();
            for (Future<String> call : calls) {
                values.add(call.get(60, TimeUnit.SECONDS));
            }
            check("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            check("values", values);
            check("runs", cold.runs.get());
            executor.submit(PinsOnPurpose::touch).get();
        } finally {
            executor.shutdown();
        }
        System.out.println("DONE");
    }

    static void check(String name, Object value) {
        System.out.println("CHECK " + name + "=" + value);
    }
}
