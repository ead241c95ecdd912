package io.weft.agent.weaving;

import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves the planned methods of one class file; every other part of it is copied unchanged. The class
 * keeps its shape (no member is added or removed), so it can be woven again on retransformation.
 */
final class ClassWeaver extends ClassVisitor {

    /** What to weave into one method and the id to weave it with. */
    static final class Planned {
        final Advice advice;
        final int id;

        Planned(Advice advice, int id) {
            this.advice = advice;
            this.id = id;
        }
    }

    private final Map<String, Planned> plans;
    private String owner;
    private boolean frames;

    private ClassWeaver(ClassVisitor delegate, Map<String, Planned> plans) {
        super(Opcodes.ASM9, delegate);
        this.plans = plans;
    }

    /**
     * Returns {@code classFile} with the methods of {@code plans} (keyed by name followed by descriptor) woven.
     */
    static byte[] weave(byte[] classFile, Map<String, Planned> plans) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassWeaver(writer, plans), ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
        frames = (version & 0xFFFF) >= Opcodes.V1_6;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
        MethodVisitor writer = super.visitMethod(access, name, descriptor, signature, exceptions);
        Planned plan = plans.get(name + descriptor);
        return plan == null || writer == null ? writer
                : plan.advice.weaver(writer, new WovenMethod(owner, access, descriptor, plan.id, frames));
    }
}
