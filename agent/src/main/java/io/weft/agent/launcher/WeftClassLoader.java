package io.weft.agent.launcher;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.CodeSigner;
import java.security.CodeSource;

/**
 * The class loader of Weft's runtime: classes and resources of the {@link ClassImage} first, then the jars of its path
 * (the relocated libraries). The image's entries are Weft's own names ({@code io/weft/}), so they are found here
 * before the parents are asked for them.
 */
final class WeftClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** Weft's names: the image's, the relocated libraries', the launcher's. */
    private static final String WEFT = "io.weft.";
    /** The relocated libraries' names, which only the library jar has. */
    private static final String LIBRARIES = "io.weft.shaded.";
    /** The dispatcher's package: in the image too, but defined in the bootstrap loader, where woven code links to it. */
    private static final String BOOTSTRAP = "io.weft.agent.bootstrap.";

    private final ClassImage image;
    private final CodeSource imageSource;

    WeftClassLoader(ClassImage image, URL imageLocation, URL[] jars, ClassLoader parent) {
        super("weft", jars, parent);
        this.image = image;
        this.imageSource = new CodeSource(imageLocation, (CodeSigner[]) null);
    }

    /**
     * A class of the image, or of the relocated libraries, is defined here without asking the parents first: they never
     * have those names (only the launcher's packages and the bootstrap dispatcher are theirs), and asking them costs a
     * search of the JDK's modules and of every jar of the application's class path, for each of the ~220 classes of a
     * start (and the thousands of the Redis client's).
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(WEFT) || name.startsWith(BOOTSTRAP)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> type = findLoadedClass(name);
            if (type == null) {
                byte[] bytes = fromImage(name.replace('.', '/') + ".class");
                if (bytes != null) {
                    type = defineClass(name, bytes, 0, bytes.length, imageSource);
                } else if (name.startsWith(LIBRARIES)) {
                    type = findClass(name);
                } else {
                    return super.loadClass(name, resolve);
                }
            }
            if (resolve) {
                resolveClass(type);
            }
            return type;
        }
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        byte[] bytes = fromImage(name);
        return bytes == null ? super.getResourceAsStream(name) : new ByteArrayInputStream(bytes);
    }

    private byte[] fromImage(String path) {
        try {
            return image.read(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + " from Weft's class image: " + e, e);
        }
    }
}
