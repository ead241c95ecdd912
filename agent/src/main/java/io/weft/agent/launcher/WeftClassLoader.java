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
 * before the parent is asked for their class files too.
 */
final class WeftClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final ClassImage image;
    private final CodeSource imageSource;

    WeftClassLoader(ClassImage image, URL imageLocation, URL[] jars, ClassLoader parent) {
        super("weft", jars, parent);
        this.image = image;
        this.imageSource = new CodeSource(imageLocation, (CodeSigner[]) null);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = fromImage(name.replace('.', '/') + ".class");
        return bytes == null ? super.findClass(name) : defineClass(name, bytes, 0, bytes.length, imageSource);
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
