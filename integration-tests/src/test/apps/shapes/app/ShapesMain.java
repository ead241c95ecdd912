package app;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Exercises {@link Catalog} and prints one {@code name=value} line per observation for the test to check. */
public class ShapesMain {

    private static void report(String name, Object value) {
        System.out.println("CHECK " + name + "=" + value);
    }

    public static void main(String[] args) throws Exception {
        Catalog catalog = new Catalog();
        UUID user = UUID.fromString("11111111-1111-1111-1111-111111111111");
        UUID bookId = UUID.fromString("aaaaaaaa-1111-1111-1111-111111111111");

        report("self", catalog.selfInvoking(7) + "," + catalog.selfInvoking(7));
        report("private.runs", Catalog.runs("private"));

        report("static", Catalog.staticSum(2, 3) + Catalog.staticSum(2, 3));
        report("static.runs", Catalog.runs("static"));

        catalog.finalGreeting("ann");
        catalog.finalGreeting("ann");
        report("final.runs", Catalog.runs("final"));

        catalog.books(user);
        catalog.books(user);
        report("books.runs.cached", Catalog.runs("books"));
        catalog.book(bookId, user);
        catalog.rename(bookId, user, "Renamed");
        report("book.title.after.rename", catalog.book(bookId, user).title());
        catalog.books(user);
        report("books.runs.after.rename", Catalog.runs("books"));

        catalog.create(user, "New");
        catalog.books(user);
        report("books.runs.after.create", Catalog.runs("books"));

        catalog.evictAllBooks();
        catalog.books(user);
        report("books.runs.after.prefix", Catalog.runs("books"));

        try {
            catalog.failingWrite(user);
        } catch (IllegalStateException expected) {
            report("before.exception", expected.getMessage());
        }
        catalog.books(user);
        report("books.runs.after.before", Catalog.runs("books"));
        try {
            catalog.failingWriteAfter(user);
        } catch (IllegalStateException expected) {
            report("after.exception", expected.getMessage());
        }
        catalog.books(user);
        report("books.runs.after.failed.after", Catalog.runs("books"));

        report("optional", catalog.optional("x") + "," + catalog.optional("x"));
        catalog.optional("none");
        catalog.optional("none");
        report("optional.runs", Catalog.runs("optional"));

        report("optnull", catalog.absent("x") + "," + catalog.absent("x"));
        report("optnull.runs", Catalog.runs("optnull"));

        twice(() -> catalog.protectedLookup("k"));
        report("protected.runs", Catalog.runs("protected"));
        twice(() -> catalog.packageLookup("k"));
        report("package.runs", Catalog.runs("package"));
        twice(() -> catalog.named("k"));
        report("named.runs", Catalog.runs("named"));
        twice(() -> catalog.braced("k"));
        report("braced.runs", Catalog.runs("braced"));
        app.skipped.Skipped skipped = new app.skipped.Skipped();
        twice(() -> skipped.lookup("k"));
        report("skipped.runs", app.skipped.Skipped.RUNS);

        catalog.nullable("n");
        report("nullable", catalog.nullable("n"));
        report("nullable.runs", Catalog.runs("nullable"));
        catalog.notCachedNull("n");
        catalog.notCachedNull("n");
        report("notnull.runs", Catalog.runs("notnull"));

        report("future", catalog.future("k").get() + "," + catalog.future("k").get());
        report("future.runs", Catalog.runs("future"));
        report("future.hit.done", catalog.future("k").isDone());
        report("stage.first.failed", catalog.stage("k").toCompletableFuture().isCompletedExceptionally());
        report("stage", outcome(catalog.stage("k")));
        java.util.concurrent.CompletableFuture<String> stageHit = catalog.stage("k").toCompletableFuture();
        report("stage.hit", stageHit.isDone() + ":" + outcome(stageHit));
        report("stage.runs", Catalog.runs("stage"));
        for (int i = 0; i < 2; i++) {
            try {
                catalog.failedFuture("k").get();
            } catch (java.util.concurrent.ExecutionException expected) {
                report("failedfuture.error", expected.getCause().getMessage());
            }
        }
        report("failedfuture.runs", Catalog.runs("failedfuture"));

        try {
            catalog.throwsFirst("k");
        } catch (IllegalArgumentException expected) {
            report("throws.first", expected.getClass().getSimpleName() + ":" + expected.getMessage());
        }
        report("throws.second", catalog.throwsFirst("k") + "," + catalog.throwsFirst("k"));
        report("throws.runs", Catalog.runs("throws"));

        catalog.ownerLabel(new Catalog.Owner("ann", true));
        catalog.ownerLabel(new Catalog.Owner("ann", true));
        catalog.ownerLabel(new Catalog.Owner("ann", false));
        report("owner.runs", Catalog.runs("owner"));

        report("fragile", catalog.fragile(new Catalog.Fragile()) + "," + catalog.fragile(new Catalog.Fragile()));
        report("fragile.runs", Catalog.runs("fragile"));

        catalog.readAndEvict("k", user);
        int booksBefore = Catalog.runs("books");
        catalog.books(user);
        catalog.readAndEvict("k", user);
        catalog.books(user);
        report("both.runs", Catalog.runs("both"));
        report("books.runs.after.both.hit", Catalog.runs("books") - booksBefore);

        catalog.escaped("1:2", "3");
        report("escape.distinct", catalog.escaped("1", "2:3"));
        report("escape.runs", Catalog.runs("escape"));

        Catalog.Owner ann = new Catalog.Owner("ann", true);
        catalog.six("acme", 5_000_000_000L, 3, 12.5, ann, true);
        String six = catalog.six("acme", 5_000_000_000L, 3, 12.5, new Catalog.Owner("ann", false), true);
        catalog.six("acme", 5_000_000_000L, 3, 12.25, ann, true);
        catalog.six("acme", 5_000_000_000L, 4, 12.5, ann, true);
        catalog.six("acme", 5_000_000_000L, 3, 12.5, ann, false);
        report("six", six);
        report("six.runs", Catalog.runs("six"));

        catalog.five("acme", 5_000_000_000L, 3, 12.5, true);
        String five = catalog.five(new String("acme".toCharArray()), 5_000_000_000L, 3, 12.5, true);
        catalog.five("acme", 5_000_000_000L, 3, 12.5, false);
        catalog.forgetFive("acme", "5000000000", "3", "12.5", "true");
        catalog.five("acme", 5_000_000_000L, 3, 12.5, true);
        catalog.five("acme", 5_000_000_000L, 3, 12.5, false);
        report("five", five);
        report("five.runs", Catalog.runs("five"));

        java.util.List<Long> ids = new java.util.ArrayList<>(java.util.List.of(1L, 2L, 3L));
        catalog.byIds(ids);
        ids.set(2, 4L); // the caller changes its list after the call: the kept key must not change with it
        catalog.byIds(ids);
        String idsHit = catalog.byIds(java.util.List.of(1L, 2L, 3L));
        catalog.forgetIds(java.util.Arrays.asList(1L, 2L, 3L));
        catalog.byIds(java.util.List.of(1L, 2L, 3L));
        catalog.byIds(java.util.List.of(1L, 2L, 4L));
        report("ids", idsHit);
        report("ids.runs", Catalog.runs("ids"));

        java.time.Instant from = java.time.Instant.parse("2026-12-07T01:02:03.450Z");
        catalog.since(from);
        String sinceHit = catalog.since(java.time.Instant.parse("2026-12-07T01:02:03.450Z"));
        catalog.since(from.plusNanos(1000));
        catalog.forgetSince(from);
        catalog.since(from);
        report("since", sinceHit);
        report("since.runs", Catalog.runs("since"));

        catalog.shortLived("k");
        catalog.shortLived("k");
        report("ttl.runs.fresh", Catalog.runs("ttl"));
        long deadline = System.nanoTime() + Long.getLong("shapes.ttl.wait.ms", 10_000) * 1_000_000L;
        long start = System.nanoTime();
        while (Catalog.runs("ttl") == 1 && System.nanoTime() < deadline) {
            catalog.shortLived("k");
            Thread.sleep(50);
        }
        report("ttl.runs.expired", Catalog.runs("ttl"));
        report("ttl.expired.after.ms", (System.nanoTime() - start) / 1_000_000);

        singleFlight(catalog);
        report("threads.agent", agentThreads());
        System.out.println("DONE");
    }

    /** The stage's value, or {@code failed:<message>}. */
    private static String outcome(java.util.concurrent.CompletionStage<String> stage) throws InterruptedException {
        try {
            return stage.toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            return "failed:" + e.getCause().getMessage();
        }
    }

    private static void twice(Runnable call) {
        call.run();
        call.run();
    }

    /**
     * The names of the live threads the agent would start: its own and its Redis client's are named
     * {@code weft-…}; the JDK names the dispatcher of its operations server {@code HTTP-Dispatcher}.
     */
    private static List<String> agentThreads() {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("weft") || thread.getName().equals("HTTP-Dispatcher")) {
                names.add(thread.getName());
            }
        }
        return names;
    }

    /** 16 callers miss the same key at once: the body must run once and all get its value. */
    private static void singleFlight(Catalog catalog) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch ready = new CountDownLatch(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            results.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return catalog.slow("hot");
            }));
        }
        ready.await();
        go.countDown();
        Set<String> values = ConcurrentHashMap.newKeySet();
        for (Future<String> result : results) {
            values.add(result.get());
        }
        pool.shutdown();
        report("singleflight.runs", Catalog.runs("slow"));
        report("singleflight.values", values);
    }
}
