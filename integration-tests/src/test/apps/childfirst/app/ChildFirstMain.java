package app;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Loads a plugin through a child-first class loader whose parent is the platform loader, so the
 * plugin's classes cannot see the system class path (where the agent jar sits).
 */
public class ChildFirstMain {

    /** Looks in its own URLs first and only then asks the parent (for java.* always the parent). */
    static final class ChildFirstLoader extends URLClassLoader {
        ChildFirstLoader(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && !name.startsWith("java.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notHere) {
                        c = null;
                    }
                }
                if (c == null) {
                    c = super.loadClass(name, false);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        URL plugin = Path.of(args[0]).toUri().toURL();
        URL annotations = Path.of(args[1]).toUri().toURL();
        try (ChildFirstLoader loader = new ChildFirstLoader(new URL[] {plugin, annotations})) {
            Class<?> type = loader.loadClass("plugin.PriceList");
            Object prices = type.getConstructor().newInstance();
            Method price = type.getMethod("price", String.class);
            Method runs = type.getMethod("runs");
            System.out.println("CHECK loader.childFirst=" + (type.getClassLoader() == loader));
            System.out.println("CHECK price=" + price.invoke(prices, "tea") + "," + price.invoke(prices, "tea"));
            System.out.println("CHECK runs=" + runs.invoke(prices));
            System.out.println("CHECK systemSeesPlugin=" + canLoad(ClassLoader.getSystemClassLoader(), "plugin.PriceList"));
        }
        System.out.println("DONE");
    }

    private static boolean canLoad(ClassLoader loader, String name) throws IOException {
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in != null;
        }
    }
}
