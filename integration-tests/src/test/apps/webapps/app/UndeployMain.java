package app;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * A servlet container undeploying a web application: the application's loader calls its cached methods (values of
 * its own class in L1, values through Redis, keys from property paths), is closed and dropped, and must then be
 * collected (SPEC §10: no class-loader leaks).
 */
public class UndeployMain {

    public static void main(String[] args) throws Exception {
        URL webapp = Path.of(args[0]).toUri().toURL();
        ReferenceQueue<ClassLoader> collected = new ReferenceQueue<>();
        WeakReference<ClassLoader> loader = deployCallAndUndeploy(webapp, collected);
        int gcs = 0;
        while (loader.get() != null && gcs < 300) {
            System.gc();
            gcs++;
            collected.remove(100); // returns as soon as the loader is collected; else polls again
        }
        check("collected", loader.get() == null);
        System.err.println("gc calls: " + gcs);
        System.out.println("DONE");
    }

    private static WeakReference<ClassLoader> deployCallAndUndeploy(URL webapp, ReferenceQueue<ClassLoader> queue)
            throws Exception {
        URLClassLoader loader = new URLClassLoader("webapp", new URL[] {webapp}, UndeployMain.class.getClassLoader());
        Object svc = loader.loadClass("shared.Svc").getConstructor(String.class).newInstance("A");
        Object first = TwoWebAppsMain.call(svc, "get", "1");
        Object second = TwoWebAppsMain.call(svc, "get", "1");
        TwoWebAppsMain.call(svc, "name", "1");
        check("cached", first == second && TwoWebAppsMain.call(svc, "runs").equals(2));
        check("fromRedis", readBackFromRedis(loader));
        loader.close();
        return new WeakReference<>(loader, queue);
    }

    /**
     * Calls {@code Shelf.find} (L1 off for its cache) until a call is answered from Redis without running the body
     * (the first store is written in the background); whether that value is of the application's own class.
     */
    private static boolean readBackFromRedis(ClassLoader loader) throws Exception {
        Object shelf = loader.loadClass("shared.Shelf").getConstructor().newInstance();
        Object query = loader.loadClass("shared.Query").getConstructor(String.class).newInstance("1");
        Method find = shelf.getClass().getMethod("find", query.getClass());
        Method runs = shelf.getClass().getMethod("runs");
        for (int attempt = 0; attempt < 100; attempt++) {
            Object before = runs.invoke(shelf);
            List<?> items = (List<?>) find.invoke(shelf, query);
            if (runs.invoke(shelf).equals(before)) {
                shelf.getClass().getMethod("update", query.getClass()).invoke(shelf, query);
                return items.get(0).getClass().getClassLoader() == loader;
            }
            Thread.sleep(50);
        }
        return false;
    }

    static void check(String name, Object value) {
        System.out.println("CHECK " + name + "=" + value);
    }
}
