package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSeedsTest {

    @Test
    void eachSeedGetsTheSchemeAndCredentials() {
        List<RedisURI> seeds = ClusterSeeds.parse("rediss://app:s3cret@10.0.0.1:7000, 10.0.0.2:7001,node-3:7002");
        assertEquals(3, seeds.size());
        for (RedisURI seed : seeds) {
            assertEquals("app", seed.getUsername());
            assertTrue(seed.isSsl());
        }
        assertEquals("10.0.0.2", seeds.get(1).getHost());
        assertEquals(7002, seeds.get(2).getPort());
        assertEquals("rediss://app:****@10.0.0.1:7000,10.0.0.2:7001,node-3:7002", ClusterSeeds.redact(seeds));
    }

    @Test
    void oneSeedIsEnough() {
        List<RedisURI> seeds = ClusterSeeds.parse("redis://127.0.0.1:7000");
        assertEquals(1, seeds.size());
        assertEquals("redis://127.0.0.1:7000", ClusterSeeds.redact(seeds));
    }

    @Test
    void otherFormsAreRefusedWithoutShowingThePassword() {
        for (String uri : new String[] {"redis-sentinel://u:s3cret@h:26379#m", "u:s3cret@h:7000", "redis://u:s3cret@h:7000/2",
                "redis://u:s3cret@h:7000,,h2:7001"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterSeeds.parse(uri), uri);
            assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
            assertTrue(e.getMessage().contains("weft.redis.uri"), e.getMessage());
        }
    }
}
