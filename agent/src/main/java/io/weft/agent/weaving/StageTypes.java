package io.weft.agent.weaving;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Type;

/**
 * Whether a declared type is a {@code CompletionStage} (a {@code CompletableFuture} subclass, an interface extending
 * {@code CompletionStage}, another implementation), found in the class files of the type and its super types, so
 * that no class is loaded. A JDK type's answer is kept: it is the same through every loader.
 */
final class StageTypes {

    /** {@code CompletionStage}, and {@code CompletableFuture} known without its class file (a JDK's newer than ASM). */
    private static final Set<String> STAGES =
            Set.of("java/util/concurrent/CompletionStage", "java/util/concurrent/CompletableFuture");
    private static final Map<String, Boolean> JDK_ANSWERS = new ConcurrentHashMap<>();

    private StageTypes() {
    }

    /**
     * Whether {@code type}, as {@code loader} sees it, is or implements {@code CompletionStage}. A type whose class
     * file cannot be read counts as no stage.
     */
    static boolean isStage(ClassLoader loader, Type type) {
        return type.getSort() == Type.OBJECT && reaches(loader, type.getInternalName(), true);
    }

    /** @param rememberJdk whether the JDK types on the way are answered from (and added to) {@link #JDK_ANSWERS} */
    private static boolean reaches(ClassLoader loader, String start, boolean rememberJdk) {
        Deque<String> pending = new ArrayDeque<>();
        pending.push(start);
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (STAGES.contains(name)) {
                return true;
            }
            if (!seen.add(name)) {
                continue;
            }
            if (rememberJdk && name.startsWith("java/")) {
                if (JDK_ANSWERS.computeIfAbsent(name, jdk -> reaches(null, jdk, false))) {
                    return true;
                }
            } else {
                addSuperTypes(loader, name, pending);
            }
        }
        return false;
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
