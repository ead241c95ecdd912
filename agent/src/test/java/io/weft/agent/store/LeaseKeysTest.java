package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.SlotHash;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LeaseKeysTest {

    private static final LeaseKeys CLUSTER = LeaseKeys.of(true);

    @Test
    void singleServerLeaseIsTheKeyWithASuffix() {
        assertEquals("a}b{c:weft-lease", LeaseKeys.of(false).leaseKey("a}b{c"));
        assertEquals("storybook:books:1:weft-lease", LeaseKeys.of(false).leaseKey("storybook:books:1"));
    }

    @Test
    void aKeyWithAHashTagKeepsThePlainSuffix() {
        assertEquals("user:{42}:profile:weft-lease", CLUSTER.leaseKey("user:{42}:profile"));
        assertTrue(LeaseKeys.hasHashTag("{a}"));
        assertTrue(LeaseKeys.hasHashTag("x}{a}"));
        assertFalse(LeaseKeys.hasHashTag("a{}b{c}"), "the first { is followed by }: Redis hashes the whole key");
        assertFalse(LeaseKeys.hasHashTag("a}b{c"));
        assertFalse(LeaseKeys.hasHashTag("abc"));
    }

    @Test
    void aKeyWithoutBracesGetsATagAfterTheSuffixSoThatItsPrefixesStillMatchTheLease() {
        String key = "storybook:books:11111111-1111-1111-1111-111111111111";
        String lease = CLUSTER.leaseKey(key);
        assertTrue(lease.startsWith(key + ":weft-lease{"), lease);
        assertEquals(SlotHash.getSlot(key), SlotHash.getSlot(lease));
    }

    @Test
    void aKeyWithStrayBracesGetsTheTagInFront() {
        for (String key : new String[] {"a}b{c", "a{}b", "a{", "{}", "{}{x}", "x{y"}) {
            String lease = CLUSTER.leaseKey(key);
            assertTrue(lease.endsWith(key + ":weft-lease") && lease.startsWith("{"), lease);
            assertEquals(SlotHash.getSlot(key), SlotHash.getSlot(lease), key + " -> " + lease);
        }
    }

    @Test
    void everyLeaseHashesToItsKeysSlotWhateverBracesTheKeyHolds() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String alphabet = "ab:{}{}9é";
        for (int i = 0; i < 50_000; i++) {
            StringBuilder key = new StringBuilder();
            for (int length = random.nextInt(12); key.length() < length; ) {
                key.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String lease = CLUSTER.leaseKey(key.toString());
            assertEquals(SlotHash.getSlot(key.toString()), SlotHash.getSlot(lease),
                    "key '" + key + "', lease '" + lease + "' (seed " + seed + ")");
            assertTrue(lease.contains(key + ":weft-lease"), lease);
        }
    }

    @Test
    void everySlotHasAShortTagOfLettersAndDigits() {
        for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
            String tag = LeaseKeys.Tags.BY_SLOT[slot];
            assertNotNull(tag);
            assertTrue(tag.matches("[0-9a-zA-Z]{1,3}"), tag);
            assertEquals(slot, SlotHash.getSlot(tag));
        }
    }
}
