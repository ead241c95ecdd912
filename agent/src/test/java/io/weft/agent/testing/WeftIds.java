package io.weft.agent.testing;

/**
 * Instance ids of the form Weft writes ({@code io.weft.agent.events.InstanceIds}), named for reading in tests that run
 * several instances: a reader takes their events for another Weft instance's, not a foreign service's.
 */
public final class WeftIds {

    private WeftIds() {
    }

    /** {@code weft:<name>-1-00000000}. */
    public static String of(String name) {
        return "weft:" + name + "-1-00000000";
    }
}
