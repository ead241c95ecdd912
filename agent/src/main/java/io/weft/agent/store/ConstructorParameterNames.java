package io.weft.agent.store;

import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.NopAnnotationIntrospector;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Names the parameters of constructors for Jackson, so that a class without a default constructor (a Kotlin
 * data class, an immutable Java class with final fields, one all-arguments constructor and getters) is read
 * back from Redis through its constructor: Jackson binds a single visible constructor whose parameters all
 * have names to the properties of the same names. The names come from the class file: its
 * {@code MethodParameters} attribute ({@code javac -parameters}, {@code kotlinc -java-parameters}) through
 * reflection, or else its {@code LocalVariableTable} ({@code javac -g}, and every {@code kotlinc} build), read
 * with Byte Buddy's type pool. Without either, Jackson reports that the class has no creator, as before. Jackson
 * caches what it learns per class, so this runs once per value class.
 */
final class ConstructorParameterNames extends NopAnnotationIntrospector {

    private static final long serialVersionUID = 1L;

    @Override
    public String findImplicitPropertyName(AnnotatedMember member) {
        if (!(member instanceof AnnotatedParameter)
                || !(((AnnotatedParameter) member).getOwner().getAnnotated() instanceof Constructor)) {
            return null;
        }
        AnnotatedParameter parameter = (AnnotatedParameter) member;
        Constructor<?> constructor = (Constructor<?>) parameter.getOwner().getAnnotated();
        Parameter reflected = constructor.getParameters()[parameter.getIndex()];
        return reflected.isNamePresent() ? reflected.getName() : fromDebugInformation(constructor, parameter.getIndex());
    }

    /** The name that the constructor's local variable table gives its parameter, or {@code null}. */
    private static String fromDebugInformation(Constructor<?> constructor, int index) {
        Class<?> type = constructor.getDeclaringClass();
        try {
            TypePool pool = new TypePool.Default(new TypePool.CacheProvider.Simple(),
                    ClassFileLocator.ForClassLoader.of(type.getClassLoader()), TypePool.Default.ReaderMode.EXTENDED);
            MethodDescription.InDefinedShape described = pool.describe(type.getName()).resolve().getDeclaredMethods()
                    .filter(method -> method.represents(constructor)).getOnly();
            ParameterDescription.InDefinedShape parameter = described.getParameters().get(index);
            return parameter.isNamed() ? parameter.getName() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
