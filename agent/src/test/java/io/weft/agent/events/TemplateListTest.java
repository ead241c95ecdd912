package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateListTest {

    private static List<String> templates(String value) {
        return TemplateList.parse(value).templates();
    }

    @Test
    void aCommaSeparatesTemplatesAsBefore() {
        assertEquals(List.of("storybook:book:{book_id}", "storybook:books:{user_id}"),
                templates("storybook:book:{book_id},storybook:books:{user_id}"));
        assertEquals(List.of("storybook:book:{book_id}", "storybook:books:{user_id}"),
                templates(" storybook:book:{book_id} , storybook:books:{user_id}, "));
        assertEquals(List.of("k:{a}", "x:{b}"), templates("k:{a},x:{b}"), "a literal after the comma starts a template");
        assertEquals(List.of("storybook:featured", "k:{a}"), templates("storybook:featured,k:{a}"));
        assertEquals(List.of(), templates(" , "));
        assertNull(TemplateList.parse("storybook:book:{book_id},storybook:books:{user_id}").ambiguity("book.updated"));
    }

    /** The audit's template: SPEC §3 accepts ',' between two placeholders, so it is one template, warned about. */
    @Test
    void aCommaBetweenTwoPlaceholdersStaysInTheTemplateAndIsWarnedAbout() {
        TemplateList list = TemplateList.parse("k:{a},{b}, price:{region},{sku}");

        assertEquals(List.of("k:{a},{b}", "price:{region},{sku}"), list.templates());
        String warning = list.ambiguity("price.changed");
        assertTrue(warning.startsWith("weft.events.price.changed: 'k:{a},{b}', 'price:{region},{sku}' are each read as"
                + " one key template"), warning);
        assertTrue(warning.contains("write ',,' there to mean that, or put a space after the comma (', ') for"
                + " separate templates"), warning);
    }

    @Test
    void aDoubledCommaIsOneCommaInATemplateAndAnAmbiguityWrittenPlainlyIsNotWarnedAbout() {
        TemplateList doubled = TemplateList.parse("k:{a},,{b}");
        assertEquals(List.of("k:{a},{b}"), doubled.templates());
        assertNull(doubled.ambiguity("x"));
        assertEquals(List.of("k:{a}:x,y", "other:{b}"), templates("k:{a}:x,,y,other:{b}"));
        TemplateList spaced = TemplateList.parse("k:{a}, {b}");
        assertEquals(List.of("k:{a}", "{b}"), spaced.templates());
        assertNull(spaced.ambiguity("x"));
    }

    @Test
    void bracesAreReadAsTheTemplateParserReadsThem() {
        assertEquals(List.of("k:{{lit}}", "{a}"), templates("k:{{lit}},{a}"), "'}}' is a literal, not a placeholder");
        assertEquals(List.of("k:{a}", "{{lit}}"), templates("k:{a},{{lit}}"), "'{{' opens no placeholder");
        assertEquals(List.of("k:{a,b}", "x"), templates("k:{a,b},x"), "a comma inside braces, for the parser to refuse");
    }
}
