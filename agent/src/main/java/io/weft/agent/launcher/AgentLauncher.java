package io.weft.agent.launcher;

import io.weft.agent.config.ConfigSources;
import io.weft.agent.log.WeftLog;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;

/**
 * What the JVM finds in {@code weft-agent.jar}: the agent's entry points, kept apart from the agent itself.
 * The jar holds only this package, the configuration and the log at its top level, and everything else
 * (Weft's runtime, Byte Buddy, Caffeine, Lettuce, Jackson, relocated) in a nested jar that {@link CoreJar}
 * opens in a class loader of its own. So the JVM indexes a jar of a few dozen entries at start, the
 * application's class path never shows the libraries, and {@code weft.enabled=false} costs no more than
 * reading the settings.
 */
public final class AgentLauncher {

    private static final String AGENT = "io.weft.agent.WeftAgent";

    private AgentLauncher() {
    }

    /** {@code java -jar weft-agent.jar [attach <pid> [key=value ...] | list | version]}. */
    public static void main(String[] args) throws Throwable {
        try {
            Class.forName(AGENT, true, CoreJar.loader()).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Called by {@code -javaagent:weft-agent.jar[=k=v;k=v]}. */
    public static void premain(String agentArgs, Instrumentation instrumentation) {
        launch("premain", agentArgs, instrumentation);
    }

    /** Called when the agent is attached to a running JVM. */
    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        launch("agentmain", agentArgs, instrumentation);
    }

    private static void launch(String entryPoint, String agentArgs, Instrumentation instrumentation) {
        try {
            if (ConfigSources.fromJvm(agentArgs).disabled()) {
                WeftLog.info("disabled by weft.enabled=false: nothing is woven");
                return;
            }
            Class.forName(AGENT, true, CoreJar.loader())
                    .getMethod(entryPoint, String.class, Instrumentation.class)
                    .invoke(null, agentArgs, instrumentation);
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
            WeftLog.error("could not start; the application runs without caching: " + cause);
        }
    }
}
