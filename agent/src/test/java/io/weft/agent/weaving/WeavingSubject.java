package io.weft.agent.weaving;

import io.weft.annotations.CacheResult;
import java.util.List;

/** Methods of the shapes woven code must survive: wide values, loops at the start, handlers, statics. */
public class WeavingSubject {

    public int bodyRuns;

    /** Annotated so that its class file is read as a woven method's (the weaving tests plan it themselves). */
    @CacheResult(key = "sum:{a}:{b}:{c}")
    public long sum(long a, double b, int c) {
        bodyRuns++;
        return a + (long) b + c;
    }

    public static String join(List<String> parts, char separator) {
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            if (sb.length() > 0) {
                sb.append(separator);
            }
            sb.append(part);
        }
        return sb.toString();
    }

    /** A loop whose head is the first instruction (a frame at offset 0), and several returns. */
    public int countDown(int n) {
        while (n > 10) {
            n--;
        }
        if (n < 0) {
            return -1;
        }
        bodyRuns++;
        return n;
    }

    /** Its own try/catch must still catch first; an uncaught exception leaves through the woven handler. */
    public String parse(String text) {
        bodyRuns++;
        try {
            return Integer.toString(Integer.parseInt(text) * 2);
        } catch (NumberFormatException e) {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
            return "not a number";
        }
    }

    public synchronized void save(String id, double value) {
        bodyRuns++;
        if (value < 0) {
            throw new IllegalStateException("negative");
        }
    }

    public boolean flag(boolean in) {
        bodyRuns++;
        return !in;
    }

    public java.util.concurrent.CompletableFuture<String> later(String text) {
        bodyRuns++;
        return java.util.concurrent.CompletableFuture.completedFuture(text + "!");
    }

    /** Stores into its parameters before either of its returns: an invalidation after it renders their entry values. */
    public static String rename(String id, long version) {
        id = id.toUpperCase();
        version++;
        if (id.isEmpty()) {
            return "";
        }
        return id + version;
    }

    /** More parameters than the short entry passes, a wide one among them. */
    public static String range(String from, int to, long step, boolean open) {
        return from + (open ? ".." : "..=") + to + " by " + step;
    }

    /** Six parameters, the most that are passed one by one: one of each kind of slot, wide ones among them. */
    public String six(double price, String name, long id, char grade, int page, boolean active) {
        bodyRuns++;
        return name + ":" + id + ":" + page + ":" + grade + ":" + price + ":" + active;
    }

    /** Seven parameters: more than are passed one by one. */
    public static String seven(String a, int b, long c, double d, char e, boolean f, Object g) {
        return a + b + c + d + e + f + g;
    }
}
