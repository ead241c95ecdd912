package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemplateTest {

    @Test
    void literalOnlyTemplateHasOneLiteralAndNoPlaceholders() {
        Template t = Template.parse("storybook:all");
        assertEquals(List.of("storybook:all"), t.literals());
        assertTrue(t.placeholders().isEmpty());
        assertEquals("storybook:all", t.literalPrefix());
    }

    @Test
    void emptyTemplateIsOneEmptyLiteral() {
        Template t = Template.parse("");
        assertEquals(List.of(""), t.literals());
        assertTrue(t.placeholders().isEmpty());
    }

    @Test
    void namedPlaceholderSplitsLiterals() {
        Template t = Template.parse("storybook:books:{userId}");
        assertEquals(List.of("storybook:books:", ""), t.literals());
        assertEquals(1, t.placeholders().size());
        Template.Placeholder p = t.placeholders().get(0);
        assertEquals("userId", p.root());
        assertEquals(List.of(), p.path());
        assertEquals(-1, p.position());
        assertFalse(p.isReturn());
    }

    @Test
    void thereIsAlwaysOneMoreLiteralThanPlaceholders() {
        Template t = Template.parse("{a},{b}:x:{c}");
        assertEquals(List.of("", ",", ":x:", ""), t.literals());
        assertEquals(3, t.placeholders().size());
        assertEquals("", t.literalPrefix());
    }

    @Test
    void positionalPlaceholderHasAPosition() {
        Template.Placeholder p = Template.parse("k:{0}:{12}").placeholders().get(1);
        assertEquals("12", p.root());
        assertEquals(12, p.position());
        assertEquals(0, Template.parse("k:{0}").placeholders().get(0).position());
    }

    @Test
    void propertyPathIsSplitOnDots() {
        Template.Placeholder p = Template.parse("k:{user.address.zip}").placeholders().get(0);
        assertEquals("user", p.root());
        assertEquals(List.of("address", "zip"), p.path());
        assertEquals("{user.address.zip}", p.toString());
    }

    @Test
    void positionalPlaceholderMayHaveAPath() {
        Template.Placeholder p = Template.parse("k:{1.id}").placeholders().get(0);
        assertEquals(1, p.position());
        assertEquals(List.of("id"), p.path());
    }

    @Test
    void returnPlaceholderIsRecognised() {
        Template t = Template.parse("storybook:books:{return}");
        assertTrue(t.usesReturn());
        assertTrue(t.placeholders().get(0).isReturn());
        assertEquals(-1, t.placeholders().get(0).position());
    }

    @Test
    void returnWithPathIsRecognised() {
        Template t = Template.parse("storybook:books:{return.userId}");
        assertTrue(t.usesReturn());
        assertEquals(List.of("userId"), t.placeholders().get(0).path());
    }

    @Test
    void templateWithoutReturnDoesNotUseReturn() {
        assertFalse(Template.parse("a:{returned}:{x.return}").usesReturn());
    }

    @Test
    void doubledBracesAreLiteralBraces() {
        Template t = Template.parse("json:{{x}}:{id}");
        assertEquals(List.of("json:{x}:", ""), t.literals());
        assertEquals("id", t.placeholders().get(0).root());
    }

    @Test
    void tripleBracesAroundAPlaceholderAreBraceThenPlaceholderThenBrace() {
        Template t = Template.parse("{{{id}}}");
        assertEquals(List.of("{", "}"), t.literals());
        assertEquals("id", t.placeholders().get(0).root());
    }

    @Test
    void whitespaceAroundAPlaceholderBodyIsIgnored() {
        assertEquals("id", Template.parse("k:{ id }").placeholders().get(0).root());
    }

    @Test
    void sourceAndToStringAreTheTextAsWritten() {
        Template t = Template.parse("a:{{b}}:{c}");
        assertEquals("a:{{b}}:{c}", t.source());
        assertEquals("a:{{b}}:{c}", t.toString());
    }

    @Test
    void unclosedBraceIsRejectedNamingTheTemplate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Template.parse("storybook:{userId"));
        assertTrue(e.getMessage().contains("storybook:{userId"), e.getMessage());
        assertTrue(e.getMessage().contains("unclosed"), e.getMessage());
        IllegalArgumentException last = assertThrows(IllegalArgumentException.class, () -> Template.parse("storybook:{"));
        assertTrue(last.getMessage().contains("unclosed '{' at 10"), last.getMessage());
    }

    @Test
    void strayClosingBraceIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Template.parse("storybook}:{id}"));
        assertTrue(e.getMessage().contains("'}'"), e.getMessage());
        assertTrue(e.getMessage().contains("}}"), "suggests the escape: " + e.getMessage());
    }

    @Test
    void closingBraceAfterPlaceholderIsStray() {
        assertThrows(IllegalArgumentException.class, () -> Template.parse("k:{id}}"));
    }

    @Test
    void doubledOpeningBraceLeavesAStrayClosingBrace() {
        assertThrows(IllegalArgumentException.class, () -> Template.parse("k:{{id}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"k:{}", "k:{ }", "k:{a..b}", "k:{.a}", "k:{a.}", "k:{a b}", "k:{a-b}", "k:{a{b}",
            "k:{-1}", "k:{return .a}"})
    void malformedPlaceholderIsRejectedNamingTheTemplate(String template) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Template.parse(template));
        assertTrue(e.getMessage().contains(template), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"k:{1x}", "k:{0a.b}", "k:{9_}"})
    void placeholderStartingWithADigitMustBeAPosition(String template) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Template.parse(template));
        assertTrue(e.getMessage().contains("not a position"), e.getMessage());
    }

    @Test
    void listsAreUnmodifiable() {
        Template t = Template.parse("a:{b.c}");
        assertThrows(UnsupportedOperationException.class, () -> t.literals().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> t.placeholders().clear());
        assertThrows(UnsupportedOperationException.class, () -> t.placeholders().get(0).path().add("x"));
    }
}
