package io.weft.agent.weaving;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Type;

/**
 * Whether a declared type is a {@code CompletionStage} (a {@code CompletableFuture} subclass, an interface extending
 * {@code CompletionStage}, another implementation), found in the class files of the type and its super types, so
 * that no application class is loaded. A JDK type is asked of its class (loaded, not initialized, by the bootstrap
 * loader: most are loaded already): reading its class file would open the JDK's module image, milliseconds of an
 * application's start for every return type such as {@code String} or {@code List}.
 */
final class StageTypes {

    private StageTypes() {
    }

    /**
     * Whether {@code type}, as {@code loader} sees it, is or implements {@code CompletionStage}. A type whose class
     * file cannot be read counts as no stage.
     */
    static boolean isStage(ClassLoader loader, Type type) {
        if (type.getSort() != Type.OBJECT) {
            return false;
        }
        Deque<String> pending = new ArrayDeque<>();
        pending.push(type.getInternalName());
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!seen.add(name)) {
                continue;
            }
            if (name.startsWith("java/")) {
                if (isJdkStage(name)) {
                    return true;
                }
            } else {
                addSuperTypes(loader, name, pending);
            }
        }
        return false;
    }

    private static boolean isJdkStage(String internalName) {
        try {
            return CompletionStage.class.isAssignableFrom(Class.forName(internalName.replace('/', '.'), false, null));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void addSuperTypes(ClassLoader loader, String name, Deque<String> pending) {
        byte[] classFile = AnnotatedClass.classFile(loader, name);
        if (classFile == null) {
            return;
        }
        ClassReader header;
        try {
            header = new ClassReader(classFile);
        } catch (RuntimeException e) {
            return; // a class file ASM cannot read (malformed, or of a newer version)
        }
        if (header.getSuperName() != null) {
            pending.push(header.getSuperName());
        }
        for (String implemented : header.getInterfaces()) {
            pending.push(implemented);
        }
    }
}
