package io.weft.agent.testing;

import java.util.ArrayList;
import java.util.List;

/** Closes what a test opened, the last opened first (clients before the servers they talk to). */
public final class Closer implements AutoCloseable {

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Registers {@code closeable} to be closed by {@link #close} and returns it. */
    public <T extends AutoCloseable> T later(T closeable) {
        open.add(closeable);
        return closeable;
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }
}
