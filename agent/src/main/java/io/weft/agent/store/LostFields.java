package io.weft.agent.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.AnnotationIntrospector;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.AccessorNamingStrategy;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.AnnotatedField;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.PropertyWriter;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Refuses to write a bean whose JSON would not carry all its state (SPEC §7: a value that cannot be serialized is
 * not stored in L2): read back, it would come out with those fields null or 0, and every instance would serve that.
 * When Jackson builds the serializer of a bean class (once per class: serializers are cached, so never on a hit),
 * the class's state, the fields declared by it and its superclasses that are neither static, transient nor
 * synthetic, is compared with the properties the serializer writes. A field is covered when a written property is
 * backed by it as Jackson links them: the property's internal name is the field's ({@code getTitle()} and
 * {@code title}, a record's components, Kotlin's properties), or the field is the property's own (public, or named
 * with {@code @JsonProperty}). It is left out on purpose when it, or the getter of its name, carries
 * {@code @JsonIgnore} or {@code @JsonProperty(access = WRITE_ONLY)}, or the class names it (or its property) in
 * {@code @JsonIgnoreProperties}. Any other field is
 * lost, and the class gets a serializer that throws {@link Refused}, naming the class and the fields, never a value;
 * a value holding such a bean (in a list, a map, a record, an {@code Optional}) is refused by the same serializer.
 *
 * <p>A getter named after something else than the field ({@code getTitle()} over {@code mTitle}, Lombok's
 * {@code isActive()} over a {@code boolean isActive}) does not cover it: nothing says that it returns the field, nor
 * that Jackson, reading the value back, puts the property into it (through a setter or a constructor parameter of the
 * property's name, which need not reach the field either). Such a class is refused rather than risk wrong data;
 * naming the field after its getter covers it. A field whose name holds a {@code $} is a compiler's or a tool's
 * ({@code title$delegate} of a Kotlin {@code by lazy}), not the value's state, and is not checked. A field hidden by
 * a subclass's field of the same name is lost: the JSON has one property of that name.
 *
 * <p>The annotations are those the mapper's introspector reports: in the agent jar, where Weft's Jackson is relocated,
 * the application's {@code com.fasterxml.jackson.annotation} ones too ({@link ApplicationJacksonAnnotations}).
 */
final class LostFields extends BeanSerializerModifier {

    private static final long serialVersionUID = 1L;

    @Override
    public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription bean,
            JsonSerializer<?> serializer) {
        if (!(serializer instanceof BeanSerializerBase)) {
            return serializer;
        }
        List<String> lost = lost(bean, covered(config, bean, serializer));
        return lost.isEmpty() ? serializer : new Refusing(message(bean.getBeanClass(), lost));
    }

    /** Names of the fields that back a written property or that are left out on purpose. */
    private static Set<String> covered(SerializationConfig config, BeanDescription bean, JsonSerializer<?> serializer) {
        Set<String> written = new HashSet<>();
        for (Iterator<PropertyWriter> properties = serializer.properties(); properties.hasNext(); ) {
            written.add(properties.next().getName());
        }
        Set<String> ignoredByClass = config.getDefaultPropertyIgnorals(bean.getBeanClass(), bean.getClassInfo())
                .findIgnoredForSerialization();
        Set<String> covered = new HashSet<>(ignoredByClass);
        for (BeanPropertyDefinition property : bean.findProperties()) {
            if (written.contains(property.getName()) || ignoredByClass.contains(property.getName())) {
                covered.add(property.getInternalName());
                if (property.hasField()) {
                    covered.add(property.getField().getName());
                }
            }
        }
        covered.addAll(ignoredMembers(config, bean.getClassInfo()));
        return covered;
    }

    /**
     * The names of the fields, and of the properties of the getters, that carry {@code @JsonIgnore} or
     * {@code @JsonProperty(access = WRITE_ONLY)} (for serialization, Jackson drops them without recording their names).
     */
    private static Set<String> ignoredMembers(SerializationConfig config, AnnotatedClass type) {
        AnnotationIntrospector introspector = config.getAnnotationIntrospector();
        AccessorNamingStrategy naming = config.getAccessorNaming().forPOJO(config, type);
        Set<String> names = new HashSet<>();
        for (AnnotatedField field : type.fields()) {
            if (leftOut(introspector, field)) {
                names.add(field.getName());
            }
        }
        for (AnnotatedMethod method : type.memberMethods()) {
            if (method.getParameterCount() == 0 && leftOut(introspector, method)) {
                String name = naming.findNameForIsGetter(method, method.getName());
                name = name != null ? name : naming.findNameForRegularGetter(method, method.getName());
                if (name != null) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static boolean leftOut(AnnotationIntrospector introspector, AnnotatedMember member) {
        return introspector.hasIgnoreMarker(member)
                || introspector.findPropertyAccess(member) == JsonProperty.Access.WRITE_ONLY;
    }

    /** The state fields of the bean class and its superclasses that are not {@code covered}, as the message names them. */
    private static List<String> lost(BeanDescription bean, Set<String> covered) {
        List<String> lost = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Class<?> type = bean.getBeanClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (isState(field) && (!seen.add(field.getName()) || !covered.contains(field.getName()))) {
                    lost.add(type == bean.getBeanClass() ? field.getName()
                            : field.getName() + " (of " + type.getName() + ")");
                }
            }
        }
        return lost;
    }

    private static boolean isState(Field field) {
        int modifiers = field.getModifiers();
        return !Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers) && !field.isSynthetic()
                && field.getName().indexOf('$') < 0;
    }

    private static String message(Class<?> type, List<String> lost) {
        boolean one = lost.size() == 1;
        return "a " + type.getName() + " would lose its field" + (one ? " " : "s ") + String.join(", ", lost)
                + ": no property of its JSON is written from " + (one ? "it" : "them") + "; add a getter named after"
                + (one ? " the field, or make the field" : " each field, or make a field") + " transient if it is not"
                + " part of the value";
    }

    /** Thrown instead of writing a bean whose JSON would lose fields; its message names them, never a value. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The serializer of a class whose JSON would lose fields: refuses every value of it. */
    private static final class Refusing extends StdSerializer<Object> {
        private static final long serialVersionUID = 1L;
        private final String message;

        Refusing(String message) {
            super(Object.class);
            this.message = message;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            throw new Refused(message);
        }
    }
}
