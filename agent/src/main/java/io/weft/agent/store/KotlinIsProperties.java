package io.weft.agent.store;

import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.NopAnnotationIntrospector;
import java.lang.annotation.Annotation;

/**
 * Keeps the name of a Kotlin property that starts with {@code is} ({@code val isAvailable: Boolean}): Kotlin
 * compiles it to a getter {@code isAvailable()} and a constructor parameter {@code isAvailable}, and Jackson
 * would write the getter as {@code available}, which the constructor never receives (the value came back
 * {@code false}). The property keeps its Kotlin name, as jackson-module-kotlin writes it. Only classes that
 * carry {@code kotlin.Metadata} and a backing field of the getter's name are affected; Java classes are not.
 */
final class KotlinIsProperties extends NopAnnotationIntrospector {

    private static final long serialVersionUID = 1L;

    @Override
    public String findImplicitPropertyName(AnnotatedMember member) {
        if (!(member instanceof AnnotatedMethod)) {
            return null;
        }
        AnnotatedMethod method = (AnnotatedMethod) member;
        String name = method.getName();
        Class<?> type = method.getDeclaringClass();
        boolean isGetter = name.length() > 2 && name.startsWith("is") && method.getParameterCount() == 0;
        return isGetter && isKotlin(type) && hasField(type, name) ? name : null;
    }

    private static boolean isKotlin(Class<?> type) {
        for (Annotation annotation : type.getDeclaredAnnotations()) {
            if (annotation.annotationType().getName().equals("kotlin.Metadata")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasField(Class<?> type, String name) {
        try {
            type.getDeclaredField(name);
            return true;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }
}
