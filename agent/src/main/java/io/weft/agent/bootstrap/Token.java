package io.weft.agent.bootstrap;

/**
 * What entering a cached method hands the woven code: a {@link Hit}, whose value it returns without running
 * the body, or a load in flight, which it hands back to {@link Handler#exitCached} with the body's outcome
 * ({@code null}: run the body uncached). Woven code keeps it in an {@code Object} local, so the dispatcher's
 * signatures, which woven code links against, stay in JDK types.
 */
public abstract class Token {

    /** For the runtime's subclasses. */
    protected Token() {
    }
}
