package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Argument keys: only for templates whose arguments render by equality, and equal only when the keys render equal. */
class ArgumentKeyTest {

    private static KeyRenderer bind(String template, FakeSignature signature) {
        return TemplateBinder.bind(Template.parse(template), signature, false);
    }

    @Test
    void equalArgumentsOfOneTemplateGiveEqualKeys() {
        KeyRenderer books = bind("storybook:books:{userId}", FakeSignature.named(List.class, "userId", UUID.class));
        UUID user = UUID.randomUUID();
        ArgumentKey first = books.argumentKey(new Object[] {user});
        ArgumentKey second = books.argumentKey(new Object[] {UUID.fromString(user.toString())});
        assertEquals(first, second);
        assertEquals(first.hashCode(), second.hashCode());
        assertNotEquals(first, books.argumentKey(new Object[] {UUID.randomUUID()}));
    }

    @Test
    void sameTextFromTwoTemplatesIsNotOneArgumentKey() {
        FakeSignature signature = FakeSignature.named(String.class, "id", Long.class);
        KeyRenderer a = bind("user:{id}", signature);
        KeyRenderer b = bind("user:{id}", signature);
        Object[] args = {7L};
        assertEquals(a.render(args, null), b.render(args, null));
        assertNotEquals(a.argumentKey(args), b.argumentKey(args));
    }

    @Test
    void typesWhoseTextIsNotTheirEqualityHaveNoArgumentKey() {
        assertNull(bind("x:{v}", FakeSignature.named(String.class, "v", Object.class)).argumentKey(new Object[] {"a"}));
        assertNull(bind("x:{v}", FakeSignature.named(String.class, "v", List.class))
                .argumentKey(new Object[] {List.of("a")}));
        assertNull(bind("x:{v}", FakeSignature.named(String.class, "v", StringBuilder.class))
                .argumentKey(new Object[] {new StringBuilder("a")}));
        assertNull(bind("x:{v.id}", FakeSignature.named(String.class, "v", TemplateBinderTest.User.class))
                .argumentKey(new Object[] {null}));
        assertNull(bind("x:{id}:{v}", FakeSignature.named(String.class, "id", int.class, "v", Object.class))
                .argumentKey(new Object[] {1, "a"}));
    }

    @Test
    void constantKeysNeedNoArgumentKey() {
        assertNull(bind("voices", FakeSignature.named(List.class)).argumentKey(new Object[0]));
    }

    /** The property the L1 index rests on: equal argument keys render equal key text, over many random calls. */
    @Test
    void equalArgumentKeysAlwaysRenderTheSameText() {
        FakeSignature signature = FakeSignature.named(String.class, "id", long.class, "name", String.class,
                "on", Boolean.class);
        KeyRenderer renderer = bind("k:{id}:{name},{on}", signature);
        Random random = new Random(42);
        String[] names = {"a", "a:b", "a\\:b", "null", "", ",", "\\", "b"};
        Object[][] calls = new Object[400][];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = new Object[] {(long) random.nextInt(3), random.nextInt(9) == 0 ? null : names[random.nextInt(names.length)],
                    random.nextInt(5) == 0 ? null : random.nextBoolean()};
        }
        for (Object[] x : calls) {
            for (Object[] y : calls) {
                ArgumentKey kx = renderer.argumentKey(x);
                ArgumentKey ky = renderer.argumentKey(y);
                assertNotNull(kx);
                assertEquals(kx.equals(ky), renderer.render(x, null).equals(renderer.render(y, null)),
                        () -> java.util.Arrays.toString(x) + " / " + java.util.Arrays.toString(y));
            }
        }
    }
}
