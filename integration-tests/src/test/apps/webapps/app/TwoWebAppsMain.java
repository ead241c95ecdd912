package app;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Two "web applications" in one JVM, as a servlet container deploys them: each has its own class loader
 * defining the same {@code shared.Svc} and {@code shared.Val} from the same bytes, and calls the same keys.
 */
public class TwoWebAppsMain {

    public static void main(String[] args) throws Exception {
        URL webapp = Path.of(args[0]).toUri().toURL();
        ClassLoader parent = TwoWebAppsMain.class.getClassLoader();
        try (URLClassLoader loaderA = new URLClassLoader("webapp-a", new URL[] {webapp}, parent);
                URLClassLoader loaderB = new URLClassLoader("webapp-b", new URL[] {webapp}, parent)) {
            Object a = loaderA.loadClass("shared.Svc").getConstructor(String.class).newInstance("A");
            Object b = loaderB.loadClass("shared.Svc").getConstructor(String.class).newInstance("B");

            Object a1 = call(a, "get", "1");
            Object b1 = call(b, "get", "1");
            Object a2 = call(a, "get", "1");
            Object b2 = call(b, "get", "1");
            check("val", a1 + "," + b1 + "," + a2 + "," + b2);
            check("valLoaders", (b2.getClass().getClassLoader() == loaderB) + "," + (a2.getClass().getClassLoader() == loaderA));
            check("name", call(a, "name", "1") + "," + call(b, "name", "1") + "," + call(b, "name", "1"));
            check("runs", call(a, "runs") + "," + call(b, "runs"));

            call(a, "update", "1");
            check("afterUpdate", call(a, "get", "1") + "," + call(b, "get", "1") + "," + call(a, "runs") + "," + call(b, "runs"));
        }
        System.out.println("DONE");
    }

    static Object call(Object target, String method, String... args) throws Exception {
        Class<?>[] types = new Class<?>[args.length];
        java.util.Arrays.fill(types, String.class);
        return target.getClass().getMethod(method, types).invoke(target, (Object[]) args);
    }

    static void check(String name, Object value) {
        System.out.println("CHECK " + name + "=" + value);
    }
}
