package io.weft.benchmarks.agents;

import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * A bare Byte Buddy agent: what installing an {@code AgentBuilder} costs at start (loading Byte Buddy,
 * registering its transformer, and its per-class matching). Without arguments it matches nothing; with
 * {@code weave:<class>#<method>} it inlines an empty advice into that one method, the least an agent that weaves
 * one class does. Packaged with Byte Buddy as bytebuddy-agent.jar.
 */
public final class NoopByteBuddyAgent {

    private static final String WEAVE = "weave:";

    private NoopByteBuddyAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        if (args != null && args.startsWith(WEAVE)) {
            String[] target = args.substring(WEAVE.length()).split("#", 2);
            new AgentBuilder.Default()
                    .type(ElementMatchers.named(target[0]))
                    .transform((builder, type, classLoader, module, protectionDomain) ->
                            builder.visit(Advice.to(EmptyAdvice.class).on(ElementMatchers.named(target[1]))))
                    .installOn(instrumentation);
            return;
        }
        new AgentBuilder.Default()
                .type(ElementMatchers.none())
                .transform((builder, type, classLoader, module, protectionDomain) -> builder)
                .installOn(instrumentation);
    }

    /** Advice that does nothing on entry and exit. */
    public static final class EmptyAdvice {

        private EmptyAdvice() {
        }

        @Advice.OnMethodEnter
        static void enter() {
        }

        @Advice.OnMethodExit
        static void exit() {
        }
    }
}
