package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Property paths checked against class files: accessors, getters and fields, up the hierarchy. */
class MethodSignatureTest {

    record Point(int x, Owner owner) {
    }

    static class Base {
        protected String baseField;
    }

    interface Named {
        default String label() {
            return "";
        }
    }

    static class Owner extends Base implements Named {
        public boolean isActive() {
            return true;
        }

        public String getName() {
            return "";
        }

        public static String getStatic() {
            return "";
        }
    }

    @SuppressWarnings("unused")
    static String find(Point point, Owner[] owners, long id) {
        return "";
    }

    private final MethodSignature signature;

    MethodSignatureTest() {
        ClassFile type = ClassFileReaderTest.read(MethodSignatureTest.class);
        ClassFile.Method find = type.methods.stream().filter(m -> m.name.equals("find")).findFirst().orElseThrow();
        signature = new MethodSignature(find, new ClassFiles(getClass().getClassLoader(), type));
    }

    @Test
    void describesParametersAsClassGetNameDoes() {
        assertEquals(3, signature.parameterCount());
        assertEquals(Point.class.getName(), signature.parameterType(0));
        assertEquals(Owner[].class.getName(), signature.parameterType(1));
        assertEquals("long", signature.parameterType(2));
        assertEquals("owners", signature.parameterName(1));
        assertEquals("java.lang.String", signature.returnType());
    }

    @Test
    void acceptsAccessorsGettersFieldsAndInterfaceMethodsUpTheHierarchy() {
        String point = Point.class.getName();
        for (List<String> path : List.of(List.of("x"), List.of("owner", "name"), List.of("owner", "active"),
                List.of("owner", "baseField"), List.of("owner", "label"), List.of("owner", "name", "bytes"))) {
            assertDoesNotThrow(() -> signature.checkPath(point, path), path.toString());
        }
    }

    @Test
    void namesWhatIsMissing() {
        String point = Point.class.getName();
        assertEquals("property 'y' cannot be read from primitive int", assertThrows(IllegalArgumentException.class,
                () -> signature.checkPath(point, List.of("x", "y"))).getMessage());
        assertEquals("type " + Owner.class.getName() + " has no accessor static(), getter or field 'static'",
                assertThrows(IllegalArgumentException.class,
                        () -> signature.checkPath(point, List.of("owner", "static"))).getMessage());
        assertEquals("type " + Owner[].class.getName() + " has no accessor length(), getter or field 'length'",
                assertThrows(IllegalArgumentException.class,
                        () -> signature.checkPath(Owner[].class.getName(), List.of("length"))).getMessage());
    }
}
