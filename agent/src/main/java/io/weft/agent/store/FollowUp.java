package io.weft.agent.store;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

/**
 * Commands that another part of Weft sends right behind a store command, on the store's connection: Redis runs
 * the commands of one connection in the order they arrive, so nobody can see these before the store command's
 * effect (an invalidation's event behind its {@code DEL}: SPEC §6).
 */
public interface FollowUp {

    /** Sends the commands on {@code redis}, right after the store command; does not wait for the replies. */
    void send(RedisClusterAsyncCommands<String, byte[]> redis);

    /**
     * Called by whoever asked for the store command once it returned (sent or not, answered or not): if
     * {@link #send} was not called by then, these commands are not sent. Only the first of the two counts.
     */
    void notSent();
}
