package io.weft.agent.store;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The threads of the Redis client's pools ({@code weft-<pool>-…}, daemons). Netty starts an event executor's thread
 * lazily, in the thread that gives it its first task, which may be an application's thread calling through Weft:
 * such a thread must not keep that application's class loader, through its context class loader or its access
 * control context, or an undeployed web application stays in memory (SPEC §10). So they are made as
 * {@link Background#clean} makes threads.
 */
final class NettyThreads extends DefaultThreadFactory {

    NettyThreads(String pool) {
        super("weft-" + pool, true);
    }

    @Override
    protected Thread newThread(Runnable task, String name) {
        return Background.clean(() -> super.newThread(task, name));
    }
}
