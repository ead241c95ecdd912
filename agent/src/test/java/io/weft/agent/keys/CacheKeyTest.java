package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A key built from a literal and a UUID is interchangeable with the key of its rendered text. */
class CacheKeyTest {

    private static final KeyScope S = new KeyScope("test");


    private static final List<String> LITERALS = List.of("", "storybook:books:", "a", "ünïcødé:", "x\\:y,");

    private static List<UUID> uuids() {
        SplittableRandom random = new SplittableRandom(42);
        List<UUID> uuids = new java.util.ArrayList<>(List.of(new UUID(0, 0), new UUID(-1, -1),
                new UUID(Long.MIN_VALUE, Long.MAX_VALUE), new UUID(0x0123456789abcdefL, 0xfedcba9876543210L)));
        for (int i = 0; i < 10_000; i++) {
            uuids.add(new UUID(random.nextLong(), random.nextLong()));
        }
        uuids.add(UUID.randomUUID());
        return uuids;
    }

    @Test
    void theHashOfAUuidIsTheHashOfItsText() {
        for (UUID uuid : uuids()) {
            assertEquals(uuid.toString().hashCode(), UuidTextHash.of(uuid), uuid.toString());
        }
    }

    @Test
    void aUuidKeyEqualsTheKeyOfItsTextBothWaysWithTheSameHash() {
        for (String literal : LITERALS) {
            for (UUID uuid : uuids().subList(0, 500)) {
                CacheKey fromUuid = CacheKey.ofUuid(S, literal, UuidTextHash.literalTerm(literal), uuid);
                CacheKey fromText = CacheKey.of(S, literal + uuid);
                assertEquals(fromText.hashCode(), fromUuid.hashCode(), literal + uuid);
                assertEquals(fromText, fromUuid);
                assertEquals(fromUuid, fromText);
                assertEquals(literal + uuid, fromUuid.text());
            }
        }
    }

    @Test
    void keysOfDifferentTextsDiffer() {
        UUID uuid = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        UUID other = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3302");
        CacheKey key = CacheKey.ofUuid(S, "books:", UuidTextHash.literalTerm("books:"), uuid);
        assertNotEquals(key, CacheKey.ofUuid(S, "books:", UuidTextHash.literalTerm("books:"), other));
        assertNotEquals(key, CacheKey.ofUuid(S, "book:", UuidTextHash.literalTerm("book:"), uuid));
        assertNotEquals(key, CacheKey.of(S, "books:" + other));
        assertNotEquals(CacheKey.of(S, "books:" + other), key);
    }

    @Test
    void aMapFindsEitherFormUnderTheOther() {
        UUID uuid = UUID.randomUUID();
        Map<CacheKey, String> map = new HashMap<>();
        map.put(CacheKey.of(S, "books:" + uuid), "by text");
        assertEquals("by text", map.get(CacheKey.ofUuid(S, "books:", UuidTextHash.literalTerm("books:"), uuid)));
        map.clear();
        map.put(CacheKey.ofUuid(S, "books:", UuidTextHash.literalTerm("books:"), uuid), "by uuid");
        assertEquals("by uuid", map.remove(CacheKey.of(S, "books:" + uuid)));
    }

    @Test
    void aRendererGivesTheKeyOfWhatItRenders() {
        KeyRenderer renderer = TemplateBinder.bind(Template.parse("storybook:books:{userId}"),
                FakeSignature.named(List.class, "userId", Object.class), false);
        for (Object argument : new Object[] {UUID.randomUUID(), 42L, "a:b", null, List.of(1, 2)}) {
            Object[] args = {argument};
            CacheKey key = renderer.key(S, args);
            assertEquals(renderer.render(args, null), key.text());
            assertEquals(CacheKey.of(S, renderer.render(args, null)), key);
            assertEquals(renderer.render(args, null).hashCode(), key.hashCode());
        }
        KeyRenderer constant = TemplateBinder.bind(Template.parse("storybook:all"),
                FakeSignature.named(List.class), false);
        assertSame(constant.key(S, new Object[0]), constant.key(S, new Object[0]));
        assertEquals("storybook:all", constant.key(S, new Object[0]).text());
    }

    @Test
    void keysOfDifferentClassLoadersNeverMeetEvenWithTheSameText() {
        KeyScope other = new KeyScope("other loader");
        UUID uuid = UUID.randomUUID();
        assertNotEquals(CacheKey.of(S, "books:" + uuid), CacheKey.of(other, "books:" + uuid));
        assertNotEquals(CacheKey.ofUuid(S, "books:", UuidTextHash.literalTerm("books:"), uuid),
                CacheKey.ofUuid(other, "books:", UuidTextHash.literalTerm("books:"), uuid));
        assertNotEquals(CacheKey.of(S, "books:" + uuid),
                CacheKey.ofUuid(other, "books:", UuidTextHash.literalTerm("books:"), uuid));
        KeyRenderer constant = TemplateBinder.bind(Template.parse("storybook:all"), FakeSignature.named(List.class), false);
        CacheKey first = constant.key(S, new Object[0]);
        assertSame(other, constant.key(other, new Object[0]).scope());
        assertEquals(first, constant.key(S, new Object[0]));
    }
}
