package io.weft.agent.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotationMap;
import com.fasterxml.jackson.databind.introspect.NopAnnotationIntrospector;
import com.fasterxml.jackson.databind.util.ClassUtil;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Honours the application's own Jackson annotations on its value classes, so that Redis holds the JSON the
 * application's Jackson would write (SPEC §8: a property it keeps out of its JSON stays out of the shared store).
 * In the agent jar Weft's Jackson is relocated, and its own introspector looks for the relocated annotation types;
 * this one recognizes the application's ({@code com.fasterxml.jackson.annotation}) by the name of their type and
 * reads their attributes reflectively, as Jackson's {@code JacksonAnnotationIntrospector} reads its own:
 * {@code @JsonIgnore}, {@code @JsonIgnoreType}, {@code @JsonIgnoreProperties} (names, {@code ignoreUnknown},
 * {@code allowGetters}, {@code allowSetters}), {@code @JsonProperty} (name, namespace, {@code access}),
 * {@code @JsonAlias}, {@code @JsonCreator} (its mode) and {@code @JsonValue}. An attribute that an older
 * jackson-annotations lacks takes Jackson's default. Jackson asks once per class and caches what it builds, so this
 * never runs on a hit; the accessors of an annotation type are looked up once.
 */
final class ApplicationJacksonAnnotations extends NopAnnotationIntrospector {

    private static final long serialVersionUID = 1L;

    /** Joined at run time: the shading that relocates Weft's Jackson rewrites string constants that name it. */
    private static final String PACKAGE = String.join(".", "com", "fasterxml", "jackson", "annotation") + ".";
    private static final String IGNORE = PACKAGE + "JsonIgnore";
    private static final String IGNORE_TYPE = PACKAGE + "JsonIgnoreType";
    private static final String IGNORE_PROPERTIES = PACKAGE + "JsonIgnoreProperties";
    private static final String PROPERTY = PACKAGE + "JsonProperty";
    private static final String ALIAS = PACKAGE + "JsonAlias";
    private static final String CREATOR = PACKAGE + "JsonCreator";
    private static final String VALUE = PACKAGE + "JsonValue";

    /** The accessors of each annotation type, by name. */
    private static final ClassValue<Map<String, Method>> ACCESSORS = new ClassValue<>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            Map<String, Method> accessors = new HashMap<>();
            for (Method method : type.getDeclaredMethods()) {
                if (method.getParameterCount() == 0) {
                    accessors.put(method.getName(), method);
                }
            }
            return accessors;
        }
    };

    @Override
    public boolean hasIgnoreMarker(AnnotatedMember member) {
        Annotation ignore = find(member, IGNORE);
        return ignore != null && attribute(ignore, "value", Boolean.class, true);
    }

    @Override
    public Boolean isIgnorableType(AnnotatedClass type) {
        Annotation ignore = find(type, IGNORE_TYPE);
        return ignore == null ? null : attribute(ignore, "value", Boolean.class, true);
    }

    @Override
    public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated annotated) {
        Annotation ignore = find(annotated, IGNORE_PROPERTIES);
        if (ignore == null) {
            return JsonIgnoreProperties.Value.empty();
        }
        return JsonIgnoreProperties.Value.construct(
                new LinkedHashSet<>(Arrays.asList(attribute(ignore, "value", String[].class, new String[0]))),
                attribute(ignore, "ignoreUnknown", Boolean.class, false),
                attribute(ignore, "allowGetters", Boolean.class, false),
                attribute(ignore, "allowSetters", Boolean.class, false), false);
    }

    @Override
    public PropertyName findNameForSerialization(Annotated annotated) {
        return propertyName(annotated);
    }

    @Override
    public PropertyName findNameForDeserialization(Annotated annotated) {
        return propertyName(annotated);
    }

    @Override
    public JsonProperty.Access findPropertyAccess(Annotated annotated) {
        Annotation property = find(annotated, PROPERTY);
        return property == null ? null : constant(property, "access", JsonProperty.Access.AUTO);
    }

    @Override
    public List<PropertyName> findPropertyAliases(Annotated annotated) {
        Annotation alias = find(annotated, ALIAS);
        if (alias == null) {
            return null;
        }
        List<PropertyName> names = new ArrayList<>();
        for (String name : attribute(alias, "value", String[].class, new String[0])) {
            names.add(PropertyName.construct(name));
        }
        return names;
    }

    @Override
    public JsonCreator.Mode findCreatorAnnotation(MapperConfig<?> config, Annotated annotated) {
        Annotation creator = find(annotated, CREATOR);
        return creator == null ? null : constant(creator, "mode", JsonCreator.Mode.DEFAULT);
    }

    @Override
    public Boolean hasAsValue(Annotated annotated) {
        Annotation value = find(annotated, VALUE);
        return value == null ? null : attribute(value, "value", Boolean.class, true);
    }

    /** The name {@code @JsonProperty} gives, as Jackson reads it ({@code ""}: the default name, still included). */
    private static PropertyName propertyName(Annotated annotated) {
        Annotation property = find(annotated, PROPERTY);
        if (property == null) {
            return null;
        }
        String namespace = attribute(property, "namespace", String.class, "");
        return PropertyName.construct(attribute(property, "value", String.class, ""),
                namespace.isEmpty() ? null : namespace);
    }

    /**
     * The annotation of that type name on a member (with those Jackson merged from the members it overrides), or on a
     * class or the first of its supertypes that carries one, as Jackson resolves class annotations.
     */
    private static Annotation find(Annotated annotated, String typeName) {
        if (annotated instanceof AnnotatedMember) {
            AnnotationMap annotations = ((AnnotatedMember) annotated).getAllAnnotations();
            return annotations == null ? null : named(annotations.annotations(), typeName);
        }
        if (annotated instanceof AnnotatedClass) {
            for (Class<?> type : ClassUtil.findRawSuperTypes(((AnnotatedClass) annotated).getRawType(), null, true)) {
                Annotation found = named(Arrays.asList(type.getDeclaredAnnotations()), typeName);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static Annotation named(Iterable<Annotation> annotations, String typeName) {
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().getName().equals(typeName)) {
                return annotation;
            }
        }
        return null;
    }

    /** The attribute's value, or {@code absent} when the annotation type has no such attribute. */
    private static <T> T attribute(Annotation annotation, String name, Class<T> type, T absent) {
        Method accessor = ACCESSORS.get(annotation.annotationType()).get(name);
        if (accessor == null) {
            return absent;
        }
        try {
            Object value = accessor.invoke(annotation);
            return type.isInstance(value) ? type.cast(value) : absent;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return absent;
        }
    }

    /** The enum attribute's value as Weft's Jackson's constant of the same name, or {@code absent}. */
    private static <E extends Enum<E>> E constant(Annotation annotation, String name, E absent) {
        Enum<?> value = attribute(annotation, name, Enum.class, null);
        if (value == null) {
            return absent;
        }
        try {
            return Enum.valueOf(absent.getDeclaringClass(), value.name());
        } catch (IllegalArgumentException e) {
            return absent;
        }
    }
}
