package io.weft.agent.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EvictionSink} that remembers every call, in order, as text. */
class RecordingSink implements EvictionSink {

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<String> clearReasons = new CopyOnWriteArrayList<>();
    /** The name of the thread of each call, in the same order as {@link #calls}. */
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void evictKeys(List<String> keys, boolean alsoL2) {
        threads.add(Thread.currentThread().getName());
        calls.add((alsoL2 ? "keys+L2 " : "keys ") + keys);
    }

    @Override
    public void evictPrefixes(List<String> prefixes) {
        threads.add(Thread.currentThread().getName());
        calls.add("prefixes " + prefixes);
    }

    @Override
    public void clearAll(String reason) {
        threads.add(Thread.currentThread().getName());
        calls.add("clearAll");
        clearReasons.add(reason);
    }

    boolean received(String call) {
        return calls.contains(call);
    }

    /** The name of the thread that made {@code call} (the first such call). */
    String threadOf(String call) {
        return threads.get(calls.indexOf(call));
    }
}
