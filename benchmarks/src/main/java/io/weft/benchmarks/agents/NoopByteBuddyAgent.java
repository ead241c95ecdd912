package io.weft.benchmarks.agents;

import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * A bare Byte Buddy agent that matches nothing: what installing an {@code AgentBuilder} costs at start
 * (loading Byte Buddy, registering its transformer, and its per-class matching). Packaged with Byte Buddy
 * as bytebuddy-agent.jar.
 */
public final class NoopByteBuddyAgent {

    private NoopByteBuddyAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        new AgentBuilder.Default()
                .type(ElementMatchers.none())
                .transform((builder, type, classLoader, module, protectionDomain) -> builder)
                .installOn(instrumentation);
    }
}
