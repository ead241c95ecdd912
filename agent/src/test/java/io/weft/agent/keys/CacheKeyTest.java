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

    private static CacheKey key(String literal, Object argument) {
        return CacheKey.ofArgument(literal, literal.hashCode(), argument);
    }

    private static List<Long> longs() {
        SplittableRandom random = new SplittableRandom(7);
        List<Long> longs = new java.util.ArrayList<>(List.of(0L, 1L, -1L, 9L, -9L, 10L, -10L, 99L, 100L,
                Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
                (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE));
        for (int i = 0; i < 10_000; i++) {
            long value = random.nextLong();
            longs.add(value >> random.nextInt(64)); // every length of number
        }
        return longs;
    }

    @Test
    void theHashOfAUuidIsTheHashOfItsText() {
        for (String literal : LITERALS) {
            for (UUID uuid : uuids()) {
                assertEquals((literal + uuid).hashCode(), TextHashes.uuid(literal.hashCode(), uuid), literal + uuid);
            }
        }
    }

    @Test
    void theHashOfANumberIsTheHashOfItsText() {
        for (String literal : LITERALS) {
            for (long value : longs()) {
                assertEquals((literal + value).hashCode(), TextHashes.decimal(literal.hashCode(), value), literal + value);
            }
        }
    }

    @Test
    void numberKeysEqualTheKeysOfTheirTextAndEachOtherAcrossTypes() {
        for (long value : longs().subList(0, 2_000)) {
            CacheKey fromLong = key("orders:", value);
            CacheKey fromText = CacheKey.of("orders:" + value);
            assertEquals(fromText.hashCode(), fromLong.hashCode());
            assertEquals(fromText, fromLong);
            assertEquals(fromLong, fromText);
            assertEquals("orders:" + value, fromLong.text());
        }
        assertEquals(key("n:", 5), key("n:", 5L), "Integer 5 and Long 5 render the same text");
        assertEquals(key("n:", (short) -7), key("n:", (byte) -7));
        assertNotEquals(key("n:", 5L), key("n:", 6L));
        assertNotEquals(key("n:", 5L), key("m:", 5L));
    }

    @Test
    void aUuidKeyEqualsTheKeyOfItsTextBothWaysWithTheSameHash() {
        for (String literal : LITERALS) {
            for (UUID uuid : uuids().subList(0, 500)) {
                CacheKey fromUuid = key(literal, uuid);
                CacheKey fromText = CacheKey.of(literal + uuid);
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
        CacheKey key = key("books:", uuid);
        assertNotEquals(key, key("books:", other));
        assertNotEquals(key, key("book:", uuid));
        assertNotEquals(key, CacheKey.of("books:" + other));
        assertNotEquals(CacheKey.of("books:" + other), key);
    }

    @Test
    void aMapFindsEitherFormUnderTheOther() {
        UUID uuid = UUID.randomUUID();
        Map<CacheKey, String> map = new HashMap<>();
        map.put(CacheKey.of("books:" + uuid), "by text");
        assertEquals("by text", map.get(key("books:", uuid)));
        map.clear();
        map.put(key("books:", uuid), "by uuid");
        assertEquals("by uuid", map.remove(CacheKey.of("books:" + uuid)));
    }

    @Test
    void aRendererGivesTheKeyOfWhatItRenders() {
        KeyRenderer renderer = TemplateBinder.bind(Template.parse("storybook:books:{userId}"),
                FakeSignature.named(List.class, "userId", Object.class), false);
        for (Object argument : new Object[] {UUID.randomUUID(), 42L, -7, (short) 3, (byte) -128, "a:b", 4.5, null,
                List.of(1, 2)}) {
            Object[] args = {argument};
            CacheKey key = renderer.key(args);
            assertEquals(renderer.render(args, null), key.text());
            assertEquals(CacheKey.of(renderer.render(args, null)), key);
            assertEquals(renderer.render(args, null).hashCode(), key.hashCode());
        }
        KeyRenderer constant = TemplateBinder.bind(Template.parse("storybook:all"),
                FakeSignature.named(List.class), false);
        assertSame(constant.key(new Object[0]), constant.key(new Object[0]));
        assertEquals("storybook:all", constant.key(new Object[0]).text());
    }
}
