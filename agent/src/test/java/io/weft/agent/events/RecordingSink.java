package io.weft.agent.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EvictionSink} that remembers every call, in order, as text. */
class RecordingSink implements EvictionSink {

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<String> clearReasons = new CopyOnWriteArrayList<>();

    @Override
    public void evictKeys(List<String> keys, boolean alsoL2) {
        calls.add((alsoL2 ? "keys+L2 " : "keys ") + keys);
    }

    @Override
    public void evictPrefixes(List<String> prefixes) {
        calls.add("prefixes " + prefixes);
    }

    @Override
    public void clearAll(String reason) {
        calls.add("clearAll");
        clearReasons.add(reason);
    }

    boolean received(String call) {
        return calls.contains(call);
    }
}
