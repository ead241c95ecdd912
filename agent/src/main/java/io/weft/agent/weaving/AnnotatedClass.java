package io.weft.agent.weaving;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The methods of one class file that carry a Weft annotation, read with ASM in one pass: what the planner
 * needs and nothing else (no type pool, no class of the application loaded).
 */
final class AnnotatedClass {

    private final String name;
    private final String simpleName;
    private final List<AnnotatedMethod> methods;

    private AnnotatedClass(String name, String simpleName, List<AnnotatedMethod> methods) {
        this.name = name;
        this.simpleName = simpleName;
        this.methods = methods;
    }

    /** Reads a class file; bridge and synthetic methods are left out. */
    static AnnotatedClass read(byte[] classFile) {
        Reader reader = new Reader();
        new ClassReader(classFile).accept(reader, ClassReader.SKIP_FRAMES);
        String binaryName = reader.internalName.replace('/', '.');
        String simpleName = reader.simpleName != null ? reader.simpleName
                : binaryName.substring(binaryName.lastIndexOf('.') + 1);
        return new AnnotatedClass(binaryName, simpleName, reader.methods);
    }

    /**
     * The class file that {@code loader} holds for {@code className}, or {@code null} when there is none to read
     * (a generated class).
     */
    static AnnotatedClass readFrom(ClassLoader loader, String className) {
        byte[] classFile = classFile(loader, className.replace('.', '/'));
        return classFile == null ? null : read(classFile);
    }

    /** The bytes of a class file as a loader's resources hold it ({@code null} loader: the system's), or {@code null}. */
    static byte[] classFile(ClassLoader loader, String internalName) {
        String resource = internalName + ".class";
        try (InputStream in = loader != null ? loader.getResourceAsStream(resource)
                : ClassLoader.getSystemResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** The binary name ({@code com.acme.Outer$Inner}). */
    String name() {
        return name;
    }

    /** The name in source code ({@code Inner}); empty for an anonymous class. */
    String simpleName() {
        return simpleName;
    }

    /** The package's name; empty for the unnamed package. */
    String packageName() {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(0, dot);
    }

    /** The methods that carry {@code @CacheResult} or {@code @InvalidateCache}, in class-file order. */
    List<AnnotatedMethod> methods() {
        return methods;
    }

    /** The annotated method of this name and descriptor, or {@code null}. */
    AnnotatedMethod method(String methodName, String descriptor) {
        for (AnnotatedMethod method : methods) {
            if (method.name().equals(methodName) && method.descriptor().equals(descriptor)) {
                return method;
            }
        }
        return null;
    }

    private static final class Reader extends ClassVisitor {
        String internalName;
        String simpleName;
        GenericType.TypeVariables typeVariables = GenericType.TypeVariables.NONE;
        final List<AnnotatedMethod> methods = new ArrayList<>();

        Reader() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            internalName = name;
            typeVariables = GenericType.TypeVariables.ofClass(signature);
        }

        @Override
        public void visitInnerClass(String name, String outerName, String innerName, int access) {
            if (name.equals(internalName)) {
                simpleName = innerName == null ? "" : innerName;
            }
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor,
                String signature, String[] exceptions) {
            if ((access & (Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC)) != 0) {
                return null;
            }
            return new AnnotatedMethod.Reader(access, name, descriptor, signature, typeVariables, methods);
        }
    }
}
