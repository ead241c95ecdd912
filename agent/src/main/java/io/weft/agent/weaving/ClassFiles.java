package io.weft.agent.weaving;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.jar.asm.Type;

/**
 * The class files that one class being woven refers to, found through its class loader as resources
 * (nothing is loaded) and read once each. Holds the class being woven itself, whose bytes may exist only
 * in memory.
 */
final class ClassFiles {

    private final ClassLoader loader;
    private final Map<String, ClassFile> read = new HashMap<>();

    ClassFiles(ClassLoader loader, ClassFile woven) {
        this.loader = loader;
        read.put(woven.name, woven);
    }

    /** The class loader that defines the class being woven. */
    ClassLoader loader() {
        return loader;
    }

    /**
     * The members of a class, interface or array type.
     *
     * @throws IllegalStateException if its class file cannot be found or read
     */
    ClassFile of(Type type) {
        if (type.getSort() == Type.ARRAY) {
            return ClassFile.array(type);
        }
        String name = type.getClassName();
        ClassFile found = read.get(name);
        if (found == null) {
            found = ClassFileReader.read(bytes(type.getInternalName()), false);
            read.put(name, found);
        }
        return found;
    }

    private byte[] bytes(String internalName) {
        String resource = internalName + ".class";
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("cannot find the class file of " + internalName.replace('/', '.'));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the class file of " + internalName.replace('/', '.'), e);
        }
    }
}
