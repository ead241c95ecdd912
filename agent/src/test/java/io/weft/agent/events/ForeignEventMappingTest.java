package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ForeignEventMappingTest {

    private final ForeignEventMapping mapping = ForeignEventMapping.parse(Map.of(
            "book.updated", "storybook:book:{book_id}, storybook:books:{user_id}",
            "page.moved", "storybook:page:{page.book}:{page.number}"));

    @Test
    void rendersEachTemplateAgainstThePayload() {
        assertEquals(Set.of("book.updated", "page.moved"), mapping.types());
        assertEquals(List.of("storybook:book:b-1", "storybook:books:u-1"),
                mapping.render("book.updated", Map.of("book_id", "b-1", "user_id", "u-1", "other", 1)));
        assertEquals(List.of("storybook:page:b-1:3"),
                mapping.render("page.moved", Map.of("page", Map.of("book", "b-1", "number", 3))));
    }

    @Test
    void valuesAreEscapedAsInKeys() {
        assertEquals(List.of("storybook:book:a\\:b", "storybook:books:1,2"),
                mapping.render("book.updated", Map.of("book_id", "a:b", "user_id", List.of(1, 2))));
    }

    @Test
    void anEachPlaceholderRendersOneKeyPerElementOfAPayloadArray() {
        ForeignEventMapping prices = ForeignEventMapping.parse(Map.of("prices.changed", "price:{region}:{skus[*]}"));
        assertEquals(List.of("price:eu:a", "price:eu:b\\:1"),
                prices.render("prices.changed", Map.of("region", "eu", "skus", List.of("a", "b:1"))));
        assertEquals(List.of("price:eu:c"), prices.render("prices.changed", Map.of("region", "eu", "skus", "c")),
                "a single value: one key");
        assertEquals(List.of(), prices.render("prices.changed", Map.of("region", "eu", "skus", List.of())));
        assertEquals(List.of(), prices.render("prices.changed", Map.of("skus", List.of("a"))), "region missing");
        assertEquals(List.of(), prices.render("prices.changed", Map.of("region", "eu")), "skus missing");
        ForeignEventMapping stock = ForeignEventMapping.parse(Map.of("stock.changed", "stock:{skus[*]}:{region}"));
        assertEquals(List.of("stock:a:eu", "stock:b:eu"),
                stock.render("stock.changed", Map.of("region", "eu", "skus", List.of("a", "b"))), "the first placeholder");
    }

    @Test
    void aTemplateWhoseFieldIsMissingIsSkipped() {
        assertEquals(List.of("storybook:book:b-1"), mapping.render("book.updated", Map.of("book_id", "b-1")));
        assertEquals(List.of(), mapping.render("page.moved", Map.of("page", "not an object")));
        assertTrue(mapping.render("unmapped", Map.of("book_id", "b-1")).isEmpty());
    }

    /** The audit's template: SPEC §3 separates two placeholders by ',' too; the value must not be cut there. */
    @Test
    void aTemplateWithACommaBetweenPlaceholdersIsOneTemplate() {
        ForeignEventMapping prices = ForeignEventMapping.parse(Map.of("price.changed", "price:{region},{sku}",
                "stock.changed", "stock:{region},,{sku}, stock:all"));

        assertEquals(List.of("price:eu,a"), prices.render("price.changed", Map.of("region", "eu", "sku", "a")));
        assertEquals(List.of("stock:eu,a", "stock:all"),
                prices.render("stock.changed", Map.of("region", "eu", "sku", "a")));
    }

    @Test
    void aBadTemplateNamesItsProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForeignEventMapping.parse(Map.of("book.updated", "storybook:book:{book_id")));
        assertTrue(e.getMessage().startsWith("weft.events.book.updated: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ForeignEventMapping.parse(Map.of("x", " , ")));
        IllegalArgumentException comma = assertThrows(IllegalArgumentException.class,
                () -> ForeignEventMapping.parse(Map.of("x", "k:{a,b}")));
        assertTrue(comma.getMessage().contains("placeholder {a,b} is not a parameter name"), comma.getMessage());
    }

    @Test
    void aPayloadNestedTooDeepIsRefusedAndObjectsRenderAsTheirFields() {
        Object deep = ":";
        for (int i = 0; i < 40; i++) {
            deep = List.of(deep);
        }
        Object payload = deep;
        assertThrows(IllegalArgumentException.class, () -> mapping.render("book.updated", Map.of("book_id", payload)));
        Map<String, Object> book = new java.util.LinkedHashMap<>();
        book.put("id", "1, b=2");
        assertEquals(List.of("storybook:book:id\\,1\\\\\\, b=2"), mapping.render("book.updated", Map.of("book_id", book)),
                "an object renders as its [field, value] pairs, not as its toString()");
    }
}
