package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code [*]} templates (SPEC §13): parsing, binding, one key per element, and the subsets a method is called with. */
class BatchTemplateTest {

    private static final KeyScope SCOPE = new KeyScope("test");

    private static BatchTemplate bind(String template, Signature signature) {
        return BatchTemplate.bind(Template.parse(template), signature, false);
    }

    private static List<String> keys(BatchTemplate template, Object... args) {
        List<String> keys = new ArrayList<>();
        template.renderInto(keys, args, null);
        return keys;
    }

    @Test
    void theEachPlaceholderIsParsedAndItsElementTemplateIsThePlainOne() {
        Template t = Template.parse("price:{region}:{skus[*]}");
        assertEquals(1, t.eachIndex());
        assertTrue(t.placeholders().get(1).each());
        assertFalse(t.placeholders().get(0).each());
        assertEquals("{skus[*]}", t.placeholders().get(1).toString());
        Template element = t.element();
        assertEquals("price:{region}:{skus}", element.source());
        assertEquals(-1, element.eachIndex());
        assertEquals(t.literals(), element.literals());
        assertEquals(-1, Template.parse("price:{sku}").eachIndex());
        assertEquals("a{{b}}:{x}", Template.parse("a{{b}}:{x[*]}").element().source());
    }

    @Test
    void twoEachPlaceholdersOrOneAfterAPropertyPathAreRejected() {
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> Template.parse("p:{a[*]}:{b[*]}"));
        assertTrue(two.getMessage().contains("only one placeholder may end in [*]"), two.getMessage());
        IllegalArgumentException path = assertThrows(IllegalArgumentException.class,
                () -> Template.parse("p:{request.skus[*]}"));
        assertTrue(path.getMessage().contains("not a property path"), path.getMessage());
    }

    @Test
    void eachElementRendersTheKeyASingleElementMethodRenders() {
        BatchTemplate batch = bind("price:{region}:{skus[*]}", FakeSignature.named(Map.class, "region", String.class,
                "skus", List.class));
        KeyRenderer single = TemplateBinder.bind(Template.parse("price:{region}:{sku}"),
                FakeSignature.named(Integer.class, "region", String.class, "sku", String.class), false);

        assertEquals(List.of("price:eu:a", "price:eu:b\\:1", "price:eu:null", "price:eu:a"),
                keys(batch, "eu", Arrays.asList("a", "b:1", null, "a")));
        for (String sku : new String[] {"a", "b:1", "null"}) {
            Object[] one = {"eu", sku};
            assertEquals(single.render(one, null), batch.element().render(one, null));
            assertEquals(single.key(SCOPE, one).stable(), batch.element().key(SCOPE, one).stable());
        }
    }

    @Test
    void anElementKeyEqualsTheSingleElementKeyByValueWithoutBuildingText() throws Exception {
        BatchTemplate batch = bind("price:{skus[*]}", FakeSignature.named(Map.class, "skus", List.class));
        KeyRenderer single = TemplateBinder.bind(Template.parse("price:{sku}"),
                FakeSignature.named(Integer.class, "sku", Long.class), false);
        CacheKey stored = batch.element().key(SCOPE, new Object[] {42L}).stable();
        CacheKey probe = single.key(SCOPE, new Object[] {42L});

        assertEquals(stored.hashCode(), probe.hashCode());
        assertEquals(probe, stored);
        assertEquals(stored, probe);
        java.lang.reflect.Field text = CacheKey.class.getDeclaredField("text");
        text.setAccessible(true);
        assertNull(text.get(stored), "compared by value: no text built");
        assertNull(text.get(probe));
        assertEquals("price:42", probe.text());
    }

    @Test
    void arrayElementsKeepTheirTypeInTheKey() {
        UUID id = UUID.randomUUID();
        assertEquals(List.of("book:" + id), keys(bind("book:{ids[*]}", FakeSignature.named(Map.class, "ids",
                UUID[].class)), (Object) new UUID[] {id}));
        assertEquals(List.of("n:1", "n:2"), keys(bind("n:{0[*]}", FakeSignature.unnamed(Map.class, long[].class)),
                (Object) new long[] {1, 2}));
        assertEquals(List.of(), keys(bind("n:{0[*]}", FakeSignature.unnamed(Map.class, List.class)), (Object) null));
    }

    @Test
    void aTemplateWithoutAnEachPlaceholderIsNoBatchTemplate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bind("price:{skus}", FakeSignature.named(Map.class, "skus", List.class)));
        assertTrue(e.getMessage().contains("has no [*] placeholder"), e.getMessage());
    }

    @Test
    void aParameterThatIsNoCollectionOrTheReturnValueIsRejected() {
        IllegalArgumentException scalar = assertThrows(IllegalArgumentException.class,
                () -> bind("price:{sku[*]}", FakeSignature.named(Map.class, "sku", String.class)));
        assertTrue(scalar.getMessage().contains("declared as java.lang.String"), scalar.getMessage());
        assertTrue(scalar.getMessage().contains("{sku[*]}"), scalar.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> bind("price:{skus[*]}", FakeSignature.named(Map.class, "skus", java.util.ArrayDeque.class)));
        IllegalArgumentException result = assertThrows(IllegalArgumentException.class,
                () -> bind("price:{return[*]}", FakeSignature.named(Map.class, "skus", List.class)));
        assertTrue(result.getMessage().contains("not to the return value"), result.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> bind("price:{nope[*]}", FakeSignature.named(Map.class, "skus", List.class)));
    }

    @Test
    void plainBindingRejectsTheEachPlaceholder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TemplateBinder.bind(Template.parse("user:{ids[*]}"), FakeSignature.named(Map.class, "ids",
                        List.class), false));
        assertTrue(e.getMessage().contains("only supported in @CacheResult(key) and @InvalidateCache(keys)"),
                e.getMessage());
    }

    @Test
    void renderAllExpandsABatchTemplateAmongOthers() {
        Signature signature = FakeSignature.named(void.class, "skus", Set.class);
        List<KeyRenderer> templates = List.of(bind("price:{skus[*]}", signature),
                TemplateBinder.bind(Template.parse("prices"), signature, false));
        assertEquals(List.of("price:x", "price:y", "prices"),
                KeyRenderer.renderAll(templates, new Object[] {new LinkedHashSet<>(List.of("x", "y"))}, null));
    }

    @Test
    void aSubsetHasTheDeclaredKindAndTheGivenOrder() {
        List<Object> some = List.of("c", "a");
        Object list = bind("p:{s[*]}", FakeSignature.named(Map.class, "s", Collection.class)).parameter()
                .subset(List.of("a", "b", "c"), some);
        assertInstanceOf(List.class, list);
        assertEquals(some, list);
        Object set = bind("p:{s[*]}", FakeSignature.named(Map.class, "s", Set.class)).parameter()
                .subset(Set.of("a", "b", "c"), some);
        assertInstanceOf(LinkedHashSet.class, set);
        assertEquals(some, new ArrayList<>((Set<?>) set));
        Object strings = bind("p:{s[*]}", FakeSignature.named(Map.class, "s", String[].class)).parameter()
                .subset(new String[] {"a", "b", "c"}, some);
        assertArrayEquals(new String[] {"c", "a"}, (String[]) strings);
        Object longs = bind("p:{s[*]}", FakeSignature.named(Map.class, "s", long[].class)).parameter()
                .subset(new long[] {1, 2, 3}, List.of(3L));
        assertArrayEquals(new long[] {3}, (long[]) longs);
    }

    /** SPEC §13: "a collection of the declared kind", for sorted sets (with their comparator) and queues too. */
    @Test
    void aSortedSetKeepsItsComparatorAndAQueueIsALinkedList() {
        java.util.TreeSet<String> reversed = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
        reversed.addAll(List.of("a", "b", "c"));
        for (Class<?> declared : List.of(java.util.SortedSet.class, java.util.NavigableSet.class,
                java.util.TreeSet.class)) {
            Object sorted = bind("p:{s[*]}", FakeSignature.named(Map.class, "s", declared)).parameter()
                    .subset(reversed, List.of("c", "a"));
            assertInstanceOf(java.util.TreeSet.class, sorted);
            assertEquals(reversed.comparator(), ((java.util.TreeSet<?>) sorted).comparator());
            assertEquals(List.of("c", "a"), new ArrayList<>((java.util.TreeSet<?>) sorted));
        }
        for (Class<?> declared : List.of(java.util.Queue.class, java.util.Deque.class, java.util.LinkedList.class)) {
            Object queue = bind("p:{s[*]}", FakeSignature.named(Map.class, "s", declared)).parameter()
                    .subset(new java.util.ArrayDeque<>(List.of("a", "b", "c")), List.of("c", "a"));
            assertInstanceOf(java.util.LinkedList.class, queue);
            assertEquals(List.of("c", "a"), queue);
        }
    }

    @Test
    void elementsOfEveryKindInOrderWithDuplicates() {
        BatchParameter iterable = bind("p:{s[*]}", FakeSignature.named(Map.class, "s", Iterable.class)).parameter();
        assertEquals(List.of("b", "a", "b"), iterable.elements(new Object[] {(Iterable<String>) List.of("b", "a", "b")::iterator}));
        BatchParameter ints = bind("p:{s[*]}", FakeSignature.named(Map.class, "s", int[].class)).parameter();
        assertEquals(List.of(3, 1), ints.elements(new Object[] {new int[] {3, 1}}));
        assertNull(ints.elements(new Object[] {null}));
    }
}
