package io.weft.agent.events;

import io.lettuce.core.XAddArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;

/**
 * Runs the event paths that every invalidation takes — building an event, its JSON both ways, the
 * reader's handling of a Weft event, the {@code XADD} command's arguments and their encoding — on the
 * calling thread (the one that connects Redis, off the application's threads), touching neither Redis
 * nor the caches, so that their classes are loaded and initialised before the first invalidation. It
 * also checks that the codec reads what it writes.
 */
public final class EventWarmUp {

    private EventWarmUp() {
    }

    /**
     * @param maxLen {@code weft.stream.maxlen}
     * @throws IllegalStateException when the codec cannot read what it writes
     */
    public static void run(String instanceId, String namespace, long maxLen) {
        run(instanceId, namespace, maxLen, 1);
    }

    /** Runs the paths {@code rounds} times (more than once only to experiment with the JIT). */
    static void run(String instanceId, String namespace, long maxLen, int rounds) {
        EvictionSink nothing = new EvictionSink() {
            @Override
            public void evictKeys(List<String> keys, boolean alsoL2) {
            }

            @Override
            public void evictPrefixes(List<String> prefixes) {
            }

            @Override
            public void clearAll(String reason) {
            }
        };
        EventDispatcher dispatcher = new EventDispatcher("weft-warm-up-" + instanceId, ForeignEventMapping.parse(Map.of()),
                nothing);
        String stream = EventStreams.key(namespace, EventStreams.CACHE_INVALIDATED);
        XAddArgs append = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
        for (int i = 0; i < rounds; i++) {
            InvalidationEvent event = InvalidationEvent.invalidation(EventStreams.CACHE_INVALIDATED,
                    List.of("weft:warm-up:" + i), List.of(), Map.of("i", i), instanceId);
            String json = EventJson.encode(event);
            ByteBuf wire = Unpooled.buffer(256);
            EventPublisher.xaddArgs(stream, append, event.type(), json).encode(wire);
            wire.release();
            if (!dispatcher.dispatchIfQuick(Map.of("type", event.type(), "event", json)) || dispatcher.applied() != i + 1) {
                throw new IllegalStateException("the event codec cannot read what it writes: " + json);
            }
        }
    }
}
