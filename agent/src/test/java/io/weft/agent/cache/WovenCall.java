package io.weft.agent.cache;

import io.weft.agent.bootstrap.Hit;

/** A call of a cached method as woven code makes it, for tests that drive a {@link CacheRuntime} without weaving. */
final class WovenCall {

    private WovenCall() {
    }

    /** The value of a hit, or {@code body} after "running" the method (a miss stores it). */
    static Object call(CacheRuntime runtime, int methodId, String arg, Object body) {
        Object[] args = {arg};
        Object token = runtime.enterCached(methodId, args);
        if (token instanceof Hit) {
            return ((Hit) token).value();
        }
        runtime.exitCached(methodId, token, args, body, null);
        return body;
    }
}
