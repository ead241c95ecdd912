package io.weft.agent.weaving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * An annotation's attributes as the class file records them, read with ASM without loading the annotation
 * type. An attribute the class file leaves out takes the default declared in {@code weft-annotations},
 * which the caller passes.
 */
final class AnnotationValues {

    private final Map<String, Object> values = new HashMap<>();

    String string(String name, String fallback) {
        Object value = values.get(name);
        return value instanceof String ? (String) value : fallback;
    }

    String[] strings(String name) {
        Object value = values.get(name);
        return value instanceof String[] ? ((String[]) value).clone() : new String[0];
    }

    boolean bool(String name, boolean fallback) {
        Object value = values.get(name);
        return value instanceof Boolean ? (Boolean) value : fallback;
    }

    /** The visitor that fills these values from the class file. */
    AnnotationVisitor reader() {
        return new AnnotationVisitor(Opcodes.ASM9) {
            @Override
            public void visit(String name, Object value) {
                values.put(name, value);
            }

            @Override
            public AnnotationVisitor visitArray(String name) {
                List<String> elements = new ArrayList<>();
                return new AnnotationVisitor(Opcodes.ASM9) {
                    @Override
                    public void visit(String ignored, Object value) {
                        elements.add(String.valueOf(value));
                    }

                    @Override
                    public void visitEnd() {
                        values.put(name, elements.toArray(new String[0]));
                    }
                };
            }
        };
    }
}
