package io.weft.agent.launcher;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.agent.bootstrap.Hit;
import io.weft.agent.keys.KeyScope;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which loader defines what (SPEC §10: Weft's classes stay its own): the image's classes are defined by Weft's loader
 * even when a parent has a class of that name, the bootstrap dispatcher is the parents' (woven code links to the
 * bootstrap loader's), and every other name is the parents' first.
 */
class WeftClassLoaderTest {

    @TempDir
    Path tmp;

    @Test
    void theImageDefinesWeftsClassesAndTheParentsKeepTheDispatcherAndTheRest() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (Class<?> type : new Class<?>[] {KeyScope.class, Hit.class}) {
            entries.put(type.getName().replace('.', '/') + ".class", classFile(type));
        }
        entries.put("io/weft/shaded/lettuce/Absent.class", new byte[] {1});
        Path libraries = SplitCoreJarRun.split(tmp, entries);
        ClassLoader parent = getClass().getClassLoader();
        WeftClassLoader loader = new WeftClassLoader(ClassImage.open(tmp.resolve("core.image").toFile()),
                tmp.resolve("core.image").toUri().toURL(), new URL[] {libraries.toUri().toURL()}, parent);

        Class<?> scope = loader.loadClass(KeyScope.class.getName());
        assertNotSame(KeyScope.class, scope, "the parent's class of the same name was taken");
        assertSame(loader, scope.getClassLoader());
        assertSame(scope, loader.loadClass(KeyScope.class.getName()), "defined once");
        assertSame(Hit.class, loader.loadClass(Hit.class.getName()), "the dispatcher is the parents'");
        assertSame(String.class, loader.loadClass("java.lang.String"));
        assertSame(WeftClassLoaderTest.class, loader.loadClass(WeftClassLoaderTest.class.getName()));
        assertThrows(ClassFormatError.class, () -> loader.loadClass("io.weft.shaded.lettuce.Absent"),
                "a relocated library's class is read from the library jar");
    }

    private static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }
}
