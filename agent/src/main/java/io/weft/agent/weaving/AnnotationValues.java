package io.weft.agent.weaving;

import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationValue;
import net.bytebuddy.description.method.MethodDescription;

/**
 * Reads an annotation's attributes from the class file by name, without loading the annotation
 * type. An attribute the class file leaves out takes the default declared in {@code weft-annotations}.
 */
final class AnnotationValues {

    private final AnnotationDescription annotation;

    private AnnotationValues(AnnotationDescription annotation) {
        this.annotation = annotation;
    }

    /** The annotation named {@code typeName} on {@code method}, or {@code null}. */
    static AnnotationValues find(MethodDescription method, String typeName) {
        for (AnnotationDescription annotation : method.getDeclaredAnnotations()) {
            if (annotation.getAnnotationType().getName().equals(typeName)) {
                return new AnnotationValues(annotation);
            }
        }
        return null;
    }

    String string(String name, String fallback) {
        Object value = value(name);
        return value == null ? fallback : (String) value;
    }

    String[] strings(String name) {
        Object value = value(name);
        return value == null ? new String[0] : (String[]) value;
    }

    boolean bool(String name, boolean fallback) {
        Object value = value(name);
        return value == null ? fallback : (Boolean) value;
    }

    private Object value(String name) {
        try {
            AnnotationValue<?, ?> value = annotation.getValue(name);
            return value == null ? null : value.resolve();
        } catch (RuntimeException e) {
            return null; // the annotation type is not on the class path: the attribute takes its default
        }
    }
}
