package app;

import io.weft.annotations.CacheResult;
import java.util.logging.LogManager;

/**
 * An application that chooses its own {@code java.util.logging} manager in {@code main}, as the Log4j and JBoss
 * bridges ask, after its main class (which has a cached method, so it is woven before {@code main} runs) was loaded.
 * Prints the manager in use and a cached call twice.
 */
public class OwnLogManager {

    /** The application's manager. */
    public static class Manager extends LogManager {
    }

    private static int runs;

    @CacheResult(key = "logmanager:greeting:{name}")
    static String greeting(String name) {
        runs++;
        return "hello " + name;
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.manager", Manager.class.getName());
        greeting("a");
        System.out.println("RESULT " + greeting("a") + " runs=" + runs + " manager="
                + LogManager.getLogManager().getClass().getName());
    }
}
