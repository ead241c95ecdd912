package io.weft.benchmarks.agents;

import java.lang.instrument.Instrumentation;

/** The cheapest possible agent: {@code premain} returns at once. Packaged alone as weft-benchmarks-empty-agent.jar. */
public final class EmptyAgent {

    private EmptyAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        // nothing: measures what -javaagent costs by itself
    }
}
