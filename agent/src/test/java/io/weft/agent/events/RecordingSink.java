package io.weft.agent.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link EvictionSink} that remembers every call, in order, as text, and the thread that made it. */
public class RecordingSink implements EvictionSink {

    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final List<String> threads = new CopyOnWriteArrayList<>();
    public final List<String> clearReasons = new CopyOnWriteArrayList<>();
    public final AtomicInteger listening = new AtomicInteger();

    @Override
    public void evictKeys(List<String> keys, boolean alsoL2) {
        record((alsoL2 ? "keys+L2 " : "keys ") + keys);
    }

    @Override
    public void evictPrefixes(List<String> prefixes) {
        record("prefixes " + prefixes);
    }

    @Override
    public void clearAll(String reason) {
        record("clearAll");
        clearReasons.add(reason);
    }

    @Override
    public void listening() {
        listening.incrementAndGet();
    }

    private void record(String call) {
        threads.add(Thread.currentThread().getName());
        calls.add(call);
    }

    public boolean received(String call) {
        return calls.contains(call);
    }
}
