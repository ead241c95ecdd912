package io.weft.agent.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.cache.CacheRegistry;
import io.weft.agent.cache.NamedCache;
import org.junit.jupiter.api.Test;

class SwitchesTest {

    private final CacheRegistry caches = new CacheRegistry();
    private final Switches switches = new Switches();

    @Test
    void theAgentSwitchTurnsEveryCacheOffAndRestoresEachOwnSwitch() {
        NamedCache a = caches.cache("a", true);
        NamedCache configuredOff = caches.cache("b", false);
        switches.attach(caches);
        NamedCache c = caches.cache("c", true);
        switches.setCacheEnabled(c, false, "test");

        switches.setAgentEnabled(false, "test");
        assertFalse(a.enabled());
        assertFalse(configuredOff.enabled());
        assertFalse(c.enabled());
        NamedCache later = caches.cache("later", true);
        assertFalse(later.enabled(), "a cache that appears while the agent is off starts off");
        assertTrue(switches.cacheEnabled(later));

        switches.setCacheEnabled(a, true, "test");
        assertFalse(a.enabled(), "inactive while the agent is off");

        switches.setAgentEnabled(true, "test");
        assertTrue(a.enabled());
        assertFalse(configuredOff.enabled(), "weft.cache.b.enabled=false still holds");
        assertFalse(c.enabled(), "switched off on its own before");
        assertTrue(later.enabled());
    }

    @Test
    void aCacheSwitchActsAtOnce() {
        switches.attach(caches);
        NamedCache a = caches.cache("a", true);
        switches.setCacheEnabled(a, false, "test");
        assertFalse(a.enabled());
        assertFalse(switches.cacheEnabled(a));
        switches.setCacheEnabled(a, true, "test");
        assertTrue(a.enabled());
    }
}
