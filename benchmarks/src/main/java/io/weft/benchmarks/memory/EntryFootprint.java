package io.weft.benchmarks.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.weft.benchmarks.fixtures.Book;
import io.weft.benchmarks.fixtures.Fixtures;
import io.weft.benchmarks.fixtures.WeftBooks;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Heap retained per L1 entry (issue 14 §6): fills a cache with 100,000 entries of {@code List<Book>} keyed by
 * user id and prints the live heap it added per entry, after full collections. {@code weft} fills Weft's L1 through
 * the woven {@link WeftBooks#getBooks} (run with {@code -javaagent} and {@code -Dweft.l1.maxSize=150000});
 * {@code caffeine} fills raw Caffeine configured as a user would (as {@link Fixtures#userCaffeine}, bounded at 150,000)
 * under hand-built {@code storybook:books:<uuid>} keys. Every entry holds the same list, so what is measured is
 * what each cache adds per entry (key, entry, the map's node); a list per entry would add the same to both. The
 * user ids are made for each call and kept by nothing but the cache. The bound is not twice the entries: Caffeine
 * sizes its frequency sketch (2 MB here) when a cache reaches half its bound, which at exactly half made the figure
 * jump by 21 B per entry from run to run, in either cache. One mode per JVM:
 *
 * <pre>
 * java -javaagent:agent/target/weft-agent.jar -Dweft.l1.maxSize=150000 -XX:+UseSerialGC \
 *     -cp benchmarks/target/benchmarks.jar io.weft.benchmarks.memory.EntryFootprint weft
 * java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar io.weft.benchmarks.memory.EntryFootprint caffeine
 * </pre>
 */
public final class EntryFootprint {

    private static final int ENTRIES = 100_000;

    private EntryFootprint() {
    }

    public static void main(String[] args) {
        String mode = args.length == 1 ? args[0] : "";
        Object filled;
        long before;
        switch (mode) {
            case "weft" -> {
                WeftBooks books = new WeftBooks(Fixtures.BOOKS);
                WeftBooks.requireWoven(books, new UUID(1, 1));
                before = liveHeap();
                for (int i = 0; i < ENTRIES; i++) {
                    books.getBooks(new UUID(0x5eedL, i));
                }
                filled = books;
            }
            case "caffeine" -> {
                Cache<String, List<Book>> cache = Caffeine.newBuilder().maximumSize(150_000)
                        .expireAfterWrite(Duration.ofMinutes(5)).build();
                cache.put(Fixtures.PREFIX + new UUID(1, 1), Fixtures.BOOKS);
                before = liveHeap();
                for (int i = 0; i < ENTRIES; i++) {
                    cache.put(Fixtures.PREFIX + new UUID(0x5eedL, i), Fixtures.BOOKS);
                }
                cache.cleanUp();
                filled = cache;
            }
            default -> throw new IllegalArgumentException("usage: EntryFootprint weft|caffeine");
        }
        long added = liveHeap() - before;
        System.out.printf(Locale.ROOT, "%s: %.1f bytes per entry (%d entries, %s)%n", mode, added / (double) ENTRIES,
                ENTRIES, filled.getClass().getSimpleName());
    }

    /**
     * The bytes of every live object, from the JVM's class histogram (which collects first): unlike the heap's "used"
     * figure, it counts no free space left in regions or buffers, so the difference is the objects added.
     */
    private static long liveHeap() {
        try {
            String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            String total = histogram.lines().filter(line -> line.startsWith("Total")).findFirst().orElseThrow();
            return Long.parseLong(total.trim().split("\\s+")[2]);
        } catch (JMException e) {
            throw new IllegalStateException("no class histogram: " + e, e);
        }
    }
}
