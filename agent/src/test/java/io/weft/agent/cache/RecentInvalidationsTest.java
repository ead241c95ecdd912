package io.weft.agent.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.events.InvalidationEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RecentInvalidationsTest {

    private final AtomicLong now = new AtomicLong();
    private final RecentInvalidations recent = new RecentInvalidations(3, 1_000, now::get);

    private void add(String key) {
        recent.add(List.of(key), List.of(), List.of(), InvalidationEvent.invalidation("cache.invalidated", List.of(key),
                List.of(), Map.of(), "me"));
    }

    private List<String> keys() {
        return recent.recent().stream().map(sent -> sent.keys.get(0)).collect(Collectors.toList());
    }

    @Test
    void keepsTheLastEntriesOldestFirst() {
        for (String key : List.of("a", "b", "c", "d")) {
            add(key);
        }
        assertEquals(List.of("b", "c", "d"), keys());
        assertEquals("d", recent.recent().get(2).event.keys().get(0), "the event as published");
    }

    @Test
    void forgetsWhatIsOlderThanTheBound() {
        add("a");
        now.set(600);
        add("b");
        now.set(1_000);
        assertEquals(List.of("a", "b"), keys());
        now.set(1_001);
        assertEquals(List.of("b"), keys());
        now.set(1_601);
        assertEquals(List.of(), keys());
    }
}
