package app;

import io.weft.annotations.CacheResult;

/** The smallest woven application: a cached method called twice as the JVM starts, then exit. */
public class FirstCall {

    private static int runs;

    @CacheResult(key = "firstcall:greeting:{name}")
    static String greeting(String name) {
        runs++;
        return "hello " + name;
    }

    public static void main(String[] args) {
        greeting("a");
        System.out.println("RESULT " + greeting("a") + " runs=" + runs);
    }
}
