package io.weft.agent.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EvictionSink} that remembers every call, in order, as text, and the thread that made it. */
public class RecordingSink implements EvictionSink {

    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final List<String> threads = new CopyOnWriteArrayList<>();
    public final List<String> clearReasons = new CopyOnWriteArrayList<>();
    /** What {@link #cachingForMillis} answers: how long ago the cache first looked a key up (0: never). */
    public volatile long cachingForMillis;

    @Override
    public void evictKeys(List<String> keys, boolean alsoL2) {
        record((alsoL2 ? "keys+L2 " : "keys ") + keys);
    }

    @Override
    public void evictPrefixes(List<String> prefixes, boolean alsoL2) {
        record((alsoL2 ? "prefixes+L2 " : "prefixes ") + prefixes);
    }

    @Override
    public void evictTags(List<String> tags, boolean alsoL2) {
        record((alsoL2 ? "tags+L2 " : "tags ") + tags);
    }

    @Override
    public void clearAll(String reason) {
        record("clearAll");
        clearReasons.add(reason);
    }

    @Override
    public long cachingForMillis() {
        return cachingForMillis;
    }

    private void record(String call) {
        threads.add(Thread.currentThread().getName());
        calls.add(call);
    }

    public boolean received(String call) {
        return calls.contains(call);
    }
}
