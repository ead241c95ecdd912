package io.weft.benchmarks.startup;

import io.weft.annotations.CacheResult;

/**
 * The smallest application there is to weave: one {@code @CacheResult} method, called once, then exit. Packaged
 * alone as {@code weft-benchmarks-hello.jar} for {@link Startup}'s {@code --hello} run (issue 14 §4: what an agent
 * adds to a hello-world JVM with one woven method). The annotation need not be on the class path: Weft reads it
 * from the class file.
 */
public final class Hello {

    private Hello() {
    }

    @CacheResult(key = "greeting:{name}")
    static String greet(String name) {
        return "hello " + name;
    }

    public static void main(String[] args) {
        System.out.println(greet("world"));
    }
}
