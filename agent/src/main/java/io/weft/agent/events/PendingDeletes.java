package io.weft.agent.events;

/**
 * The shared level's deletes that failed (the store could not be reached) and wait to be retried. No event may
 * reach the other instances before the deletes of its invalidation: they would evict their L1, read the old value
 * back from the store and keep it.
 */
public interface PendingDeletes {

    /** No deletes ever wait (a publisher not yet told of its shared level). */
    PendingDeletes NONE = new PendingDeletes() {
        @Override
        public boolean any() {
            return false;
        }

        @Override
        public boolean retry() {
            return true;
        }
    };

    /** Whether some deletes wait; asks nothing of the store. */
    boolean any();

    /** Retries the deletes that wait; whether none is left. */
    boolean retry();
}
