package app;

import io.weft.annotations.CacheResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Makes a cached call twice, then prints the names of the jars and class images this JVM holds open
 * ({@code /proc/self/fd}): which of the agent's nested files its class loader had to open.
 */
public class OpenJars {

    private static int runs;

    @CacheResult(key = "openjars:greeting:{name}")
    static String greeting(String name) {
        runs++;
        return "hello " + name;
    }

    public static void main(String[] args) throws IOException {
        greeting("a");
        String result = greeting("a");
        TreeSet<String> jars = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).getFileName().toString();
                    if (target.endsWith(".jar") || target.endsWith(".image")) {
                        jars.add(target);
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile (the listing's own descriptor)
                }
            });
        }
        System.out.println("RESULT " + result + " runs=" + runs + " jars=" + jars);
    }
}
