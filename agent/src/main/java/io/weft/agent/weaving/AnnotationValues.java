package io.weft.agent.weaving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * An annotation's attributes as the class file records them, read without loading the annotation type.
 * An attribute the class file leaves out (or records with another type) takes the default declared in
 * {@code weft-annotations}, which the caller passes.
 */
final class AnnotationValues {

    private final Map<String, Object> values = new HashMap<>();

    String string(String name, String fallback) {
        Object value = values.get(name);
        return value instanceof String ? (String) value : fallback;
    }

    String[] strings(String name) {
        Object value = values.get(name);
        if (!(value instanceof List)) {
            return new String[0];
        }
        List<?> elements = (List<?>) value;
        return elements.stream().filter(String.class::isInstance).toArray(String[]::new);
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
                List<Object> elements = new ArrayList<>();
                values.put(name, elements);
                return new AnnotationVisitor(Opcodes.ASM9) {
                    @Override
                    public void visit(String ignored, Object value) {
                        elements.add(value);
                    }
                };
            }
        };
    }
}
