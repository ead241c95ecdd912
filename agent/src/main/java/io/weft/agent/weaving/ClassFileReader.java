package io.weft.agent.weaving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Reads a {@link ClassFile}. Parameter names come from the {@code MethodParameters} attribute or, when
 * there is none, from the {@code LocalVariableTable} entries that start with the code (a {@code -g} build).
 */
final class ClassFileReader extends ClassVisitor {

    private static final String WEFT_ANNOTATIONS = "Lio/weft/annotations/";

    private final List<ClassFile.Method> methods = new ArrayList<>();
    private final List<ClassFile.Field> fields = new ArrayList<>();
    private String internalName;
    private String simpleName;
    private String superName;
    private List<String> interfaces;

    private ClassFileReader() {
        super(Opcodes.ASM9);
    }

    /**
     * Reads a class file; {@code withCode} also reads the code's local variable tables, for parameter names.
     *
     * @throws IllegalArgumentException if ASM cannot read the class file (for example, a newer version)
     */
    static ClassFile read(byte[] classFile, boolean withCode) {
        ClassFileReader reader = new ClassFileReader();
        new ClassReader(classFile).accept(reader, ClassReader.SKIP_FRAMES
                | (withCode ? 0 : ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG));
        String name = reader.internalName.replace('/', '.');
        if (reader.simpleName == null) {
            reader.simpleName = name.substring(name.lastIndexOf('.') + 1);
        }
        return new ClassFile(name, reader.simpleName, reader.superName, reader.interfaces, reader.methods,
                reader.fields);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        this.internalName = name;
        this.superName = (access & Opcodes.ACC_INTERFACE) != 0 ? null : superName;
        this.interfaces = List.of(interfaces);
    }

    @Override
    public void visitInnerClass(String name, String outerName, String innerName, int access) {
        if (name.equals(internalName)) {
            simpleName = innerName == null ? "" : innerName;
        }
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        fields.add(new ClassFile.Field(access, name, descriptor));
        return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
            String[] exceptions) {
        return new MethodReader(access, name, descriptor, signature);
    }

    private final class MethodReader extends MethodVisitor {
        private final int access;
        private final String name;
        private final String descriptor;
        private final String signature;
        private final Map<String, AnnotationValues> annotations = new HashMap<>();
        private final List<String> parameters = new ArrayList<>();
        private final Map<Integer, String> localVariables = new HashMap<>();
        private Label firstLabel;

        MethodReader(int access, String name, String descriptor, String signature) {
            super(Opcodes.ASM9);
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            this.signature = signature;
        }

        @Override
        public AnnotationVisitor visitAnnotation(String annotationDescriptor, boolean visible) {
            if (!annotationDescriptor.startsWith(WEFT_ANNOTATIONS)) {
                return null;
            }
            AnnotationValues values = new AnnotationValues();
            annotations.put(Type.getType(annotationDescriptor).getClassName(), values);
            return values.reader();
        }

        @Override
        public void visitParameter(String parameterName, int parameterAccess) {
            parameters.add(parameterName);
        }

        @Override
        public void visitLabel(Label label) {
            if (firstLabel == null) {
                firstLabel = label;
            }
        }

        @Override
        public void visitLocalVariable(String variableName, String variableDescriptor, String variableSignature,
                Label start, Label end, int index) {
            if (start == firstLabel) {
                localVariables.put(index, variableName);
            }
        }

        @Override
        public void visitEnd() {
            Type[] types = Type.getArgumentTypes(descriptor);
            String[] names = new String[types.length];
            if (!parameters.isEmpty()) {
                if (parameters.size() == types.length) {
                    parameters.toArray(names);
                }
            } else {
                int slot = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
                for (int i = 0; i < types.length; i++) {
                    names[i] = localVariables.get(slot);
                    slot += types[i].getSize();
                }
            }
            methods.add(new ClassFile.Method(access, name, descriptor, signature, annotations, names));
        }
    }
}
