package io.weft.agent.weaving;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * A method that carries a Weft annotation, as its class file describes it: access, name, descriptor, generic
 * types, the annotations' attributes, and the parameters' names from MethodParameters or, failing that, from the
 * LocalVariableTable entries that start with the method's code (as Byte Buddy's type pool reads them).
 */
final class AnnotatedMethod {

    static final String CACHE_RESULT = "Lio/weft/annotations/CacheResult;";
    static final String INVALIDATE_CACHE = "Lio/weft/annotations/InvalidateCache;";

    private final int access;
    private final String name;
    private final String descriptor;
    /** The parameters' types, then the return type. */
    private final List<GenericType> types;
    private final String[] parameterNames;
    private final AnnotationValues cacheResult;
    private final AnnotationValues invalidateCache;

    private AnnotatedMethod(Reader reader) {
        this.access = reader.access;
        this.name = reader.name;
        this.descriptor = reader.descriptor;
        this.types = GenericType.ofMethod(reader.descriptor, reader.signature, reader.classVariables);
        this.parameterNames = reader.parameterNames();
        this.cacheResult = reader.cacheResult;
        this.invalidateCache = reader.invalidateCache;
    }

    String name() {
        return name;
    }

    String descriptor() {
        return descriptor;
    }

    boolean isAbstract() {
        return (access & Opcodes.ACC_ABSTRACT) != 0;
    }

    boolean isNative() {
        return (access & Opcodes.ACC_NATIVE) != 0;
    }

    int parameterCount() {
        return types.size() - 1;
    }

    GenericType parameterType(int index) {
        return types.get(index);
    }

    GenericType returnType() {
        return types.get(types.size() - 1);
    }

    /** The parameter's name as the class file records it, or {@code null}. */
    String parameterName(int index) {
        return parameterNames[index];
    }

    /** {@code @CacheResult}'s attributes, or {@code null} when the method does not carry it. */
    AnnotationValues cacheResult() {
        return cacheResult;
    }

    /** {@code @InvalidateCache}'s attributes, or {@code null} when the method does not carry it. */
    AnnotationValues invalidateCache() {
        return invalidateCache;
    }

    /** Reads one method; adds it to a list when it turns out to carry a Weft annotation. */
    static final class Reader extends MethodVisitor {
        private final int access;
        private final String name;
        private final String descriptor;
        private final String signature;
        private final GenericType.TypeVariables classVariables;
        private final List<AnnotatedMethod> annotated;
        private AnnotationValues cacheResult;
        private AnnotationValues invalidateCache;
        private String[] methodParameters;
        private int methodParameterCount;
        private Label firstLabel;
        private final Map<Integer, String> slotNames = new HashMap<>();

        Reader(int access, String name, String descriptor, String signature, GenericType.TypeVariables classVariables,
                List<AnnotatedMethod> annotated) {
            super(Opcodes.ASM9);
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            this.signature = signature;
            this.classVariables = classVariables;
            this.annotated = annotated;
        }

        @Override
        public void visitParameter(String parameterName, int parameterAccess) {
            if (methodParameters == null) {
                methodParameters = new String[Type.getArgumentCount(descriptor)];
            }
            if (methodParameterCount < methodParameters.length) {
                methodParameters[methodParameterCount] = parameterName;
            }
            methodParameterCount++;
        }

        @Override
        public AnnotationVisitor visitAnnotation(String annotationDescriptor, boolean visible) {
            if (CACHE_RESULT.equals(annotationDescriptor)) {
                cacheResult = new AnnotationValues();
                return cacheResult.reader();
            }
            if (INVALIDATE_CACHE.equals(annotationDescriptor)) {
                invalidateCache = new AnnotationValues();
                return invalidateCache.reader();
            }
            return null;
        }

        @Override
        public void visitLabel(Label label) {
            if (firstLabel == null) {
                firstLabel = label;
            }
        }

        @Override
        public void visitLocalVariable(String localName, String localDescriptor, String localSignature, Label start,
                Label end, int index) {
            if (start == firstLabel) {
                slotNames.putIfAbsent(index, localName);
            }
        }

        @Override
        public void visitEnd() {
            if (cacheResult != null || invalidateCache != null) {
                annotated.add(new AnnotatedMethod(this));
            }
        }

        /** From MethodParameters when it names every parameter's position, else from the LocalVariableTable. */
        String[] parameterNames() {
            Type[] parameters = Type.getArgumentTypes(descriptor);
            if (methodParameters != null && methodParameterCount == parameters.length) {
                return methodParameters;
            }
            String[] names = new String[parameters.length];
            int slot = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
            for (int i = 0; i < parameters.length; i++) {
                names[i] = slotNames.get(slot);
                slot += parameters[i].getSize();
            }
            return names;
        }
    }
}
