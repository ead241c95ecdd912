package io.weft.agent.weaving;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * Puts the {@code io.weft.agent.bootstrap} classes on the bootstrap class loader, so that woven code
 * in classes of any class loader (child-first, OSGi-like, custom) links to one shared dispatcher.
 * It must run before anything resolves those names through the system class loader.
 */
final class BootstrapInjector {

    private static final List<String> CLASSES = List.of(
            "io.weft.agent.bootstrap.Handler", "io.weft.agent.bootstrap.Token", "io.weft.agent.bootstrap.Hit", "io.weft.agent.bootstrap.Dispatch");

    private BootstrapInjector() {
    }

    /**
     * Defines the classes in the bootstrap loader with the JDK's internal {@code Unsafe.defineClass}, exported to the
     * agent through the instrumentation and called directly ({@link BootLoaderDefiner}). Byte Buddy's own
     * {@code Unsafe} injector prints deprecation warnings on Java 24 and later, and appending a jar to the bootstrap
     * search path makes HotSpot print a warning on standard output and give up class-data sharing for
     * application classes, so the latter is only the fallback.
     */
    static void inject(Instrumentation instrumentation) throws IOException {
        try {
            defineInBootLoader(instrumentation);
        } catch (ReflectiveOperationException | RuntimeException e) {
            appendToBootSearchPath(instrumentation,
                    ClassFileLocator.ForClassLoader.of(BootstrapInjector.class.getClassLoader()));
        }
    }

    private static void defineInBootLoader(Instrumentation instrumentation)
            throws ReflectiveOperationException, IOException {
        Module javaBase = Object.class.getModule();
        instrumentation.redefineModule(javaBase, Set.of(),
                Map.of("jdk.internal.misc", Set.of(BootstrapInjector.class.getModule())), Map.of(), Set.of(), Map.of());
        BootLoaderDefiner.Definer definer = BootLoaderDefiner.get();
        for (String name : CLASSES) {
            definer.define(name, classFile(name));
        }
    }

    /**
     * The class file of one of Weft's own classes, from the loader of Weft's classes (in the agent, the launcher's, which
     * finds it in its mapped image before asking its parents).
     */
    private static byte[] classFile(String name) throws IOException {
        ClassLoader loader = BootstrapInjector.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new IOException("no class file for " + name + " in " + loader);
            }
            return in.readAllBytes();
        }
    }

    private static void appendToBootSearchPath(Instrumentation instrumentation, ClassFileLocator agentClasses)
            throws IOException {
        File folder = Files.createTempDirectory("weft-bootstrap").toFile();
        folder.deleteOnExit();
        ClassInjector.UsingInstrumentation.of(folder, ClassInjector.UsingInstrumentation.Target.BOOTSTRAP, instrumentation)
                .injectRaw(new LinkedHashSet<>(CLASSES), agentClasses);
        for (File file : folder.listFiles()) {
            file.deleteOnExit();
        }
    }
}
