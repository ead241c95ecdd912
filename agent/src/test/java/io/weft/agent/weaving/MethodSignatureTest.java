package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/** Parameter names of a method as the class file handed to Weft describes it, or as its loader holds it. */
class MethodSignatureTest {

    /**
     * Another agent that transformed the class first (OpenTelemetry's inlined advice) puts code before the
     * method's first instruction, so that the LocalVariableTable's parameter entries no longer start the method,
     * where a reader of the class file looks for them: the names come from the class file the loader holds.
     */
    @Test
    void namesSurviveCodeThatAnotherAgentPutBeforeTheFirstInstruction() throws IOException {
        MethodSignature signature = new MethodSignature(WeavingSubject.class.getName(),
                describe(prefixEveryMethod(original()), "sum"), MethodSignatureTest.class.getClassLoader());
        assertEquals("a", signature.parameterName(0));
        assertEquals("c", signature.parameterName(2));
    }

    @Test
    void namesComeFromTheClassFileAsHandedOver() throws IOException {
        MethodSignature signature = new MethodSignature(WeavingSubject.class.getName(), describe(original(), "sum"), null);
        assertEquals("b", signature.parameterName(1));
    }

    /** Properties that no field of their name backs: their accessors alone say what they are. */
    public static class Parcel {
        private final boolean flag = true;

        public boolean isExpress() {
            return flag;
        }

        public Parcel getReturned() {
            return this;
        }
    }

    /**
     * SPEC §3 {@code {name.a.b}}: a path is checked when the class is woven, each step found as an accessor {@code a()},
     * a getter {@code getA()} or {@code isA()}, or a field {@code a}; a step of none is a configuration error.
     */
    @Test
    void aPathStepIsFoundByItsGetterOrIsAccessorWithoutAFieldOfItsName() throws IOException {
        MethodSignature signature = new MethodSignature(WeavingSubject.class.getName(), describe(original(), "sum"),
                MethodSignatureTest.class.getClassLoader());

        signature.checkPath(Parcel.class.getName(), List.of("returned", "express"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> signature.checkPath(Parcel.class.getName(), List.of("flagged")));
        assertEquals("type " + Parcel.class.getName() + " has no accessor flagged(), getter or field 'flagged'",
                e.getMessage());
    }

    private static AnnotatedMethod describe(byte[] classFile, String method) {
        return AnnotatedClass.read(classFile).methods().stream().filter(m -> m.name().equals(method)).findFirst()
                .orElseThrow();
    }

    private static byte[] original() throws IOException {
        try (InputStream in = WeavingSubject.class.getResourceAsStream("WeavingSubject.class")) {
            return in.readAllBytes();
        }
    }

    /** Every method starts with a {@code NOP} on a line of its own, as inlined enter advice would. */
    private static byte[] prefixEveryMethod(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        Label start = new Label();
                        super.visitLabel(start);
                        super.visitLineNumber(1, start);
                        super.visitInsn(Opcodes.NOP);
                    }
                };
            }
        }, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }
}
