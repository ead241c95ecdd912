package io.weft.agent.attach;

import io.weft.agent.cache.SharedLevelChecks;
import io.weft.agent.config.AgentInfo;
import io.weft.agent.config.ConfigSources;
import io.weft.agent.config.WeftConfig;
import io.weft.agent.launcher.AgentLauncher;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * {@code java -jar weft-agent.jar [attach <pid> [key=value …] | list | version]}: attaches the agent to a
 * running JVM of the same user (Byte Buddy's attachment, which uses the JDK's {@code jdk.attach} where it
 * exists), lists the local JVMs, or prints the usage and version.
 */
public final class AttachCli {

    /** The system property of the target where the agent leaves a line about what it did. */
    public static final String REPORT = "weft.agent.report";

    private final PrintStream out;
    private final PrintStream err;

    private AttachCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command line; returns the exit status (0 done, 1 failed, 2 bad usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        AttachCli cli = new AttachCli(out, err);
        if (args.length == 0) {
            cli.usage(out);
            return 0;
        }
        switch (args[0]) {
            case "attach":
                return cli.attach(args);
            case "list":
                return cli.list();
            case "version":
            case "--version":
                out.println("Weft " + AgentInfo.version());
                return 0;
            case "help":
            case "--help":
            case "-h":
                cli.usage(out);
                return 0;
            default:
                err.println("unknown command: " + args[0]);
                cli.usage(err);
                return 2;
        }
    }

    private void usage(PrintStream to) {
        to.println("Weft " + AgentInfo.version() + " - two-level caching woven into a JVM service");
        to.println();
        to.println("usage:");
        to.println("  java -jar weft-agent.jar attach <pid> [key=value ...]");
        to.println("      attach to a running JVM of the same user and weave the classes it has already loaded;");
        to.println("      settings as with -javaagent, e.g. weft.http.port=9464 weft.redis.uri=redis://127.0.0.1:6379");
        to.println("  java -jar weft-agent.jar list       list the local JVMs you can attach to");
        to.println("  java -jar weft-agent.jar version    print the version");
        to.println();
        to.println("  at start instead: java -javaagent:weft-agent.jar[=key=value;key=value] -jar app.jar");
        to.println("  Java 21 and newer warn about agents loaded into a running JVM; start such a JVM with");
        to.println("  -XX:+EnableDynamicAgentLoading to allow it explicitly. See docs/operations.md.");
    }

    private int attach(String[] args) {
        if (args.length < 2 || !args[1].matches("\\d+")) {
            err.println("attach needs the process id of a running JVM: attach <pid> [key=value ...]");
            return 2;
        }
        String pid = args[1];
        if (pid.equals(String.valueOf(ProcessHandle.current().pid()))) {
            err.println("cannot attach to this process itself");
            return 2;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            if (eq <= 0 || arg.indexOf(';') >= 0) {
                err.println("settings are key=value (without ';'): " + arg);
                return 2;
            }
            String name = arg.substring(0, eq).trim();
            settings.put(name.startsWith("weft.") ? name : "weft." + name, arg.substring(eq + 1).trim());
        }
        // Check what is given here, where a typo is cheap, rather than in the service.
        WeftConfig config = new WeftConfig(ConfigSources.of(settings, Map.of()), new SharedLevelChecks());
        List<String> problems = new ArrayList<>(config.problems());
        config.unknownNames().forEach(name -> problems.add("unknown setting " + name + " (check its spelling)"));
        if (!problems.isEmpty()) {
            problems.forEach(problem -> err.println("not attaching: " + problem));
            return 2;
        }
        config.warnings().forEach(warning -> out.println("note: " + warning));
        if (config.strict()) {
            out.println("note: weft.strict=true stops the target JVM on the first configuration error while weaving");
        }
        StringBuilder agentArgs = new StringBuilder();
        settings.forEach((k, v) -> agentArgs.append(agentArgs.length() == 0 ? "" : ";").append(k).append('=').append(v));

        File jar;
        try {
            jar = new File(AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            err.println("cannot find the agent jar: " + e);
            return 1;
        }
        if (!jar.isFile()) {
            err.println("run this from the agent jar (java -jar weft-agent.jar attach ...), not from " + jar);
            return 1;
        }
        ByteBuddyAgent.AttachmentProvider.Accessor accessor = ByteBuddyAgent.AttachmentProvider.DEFAULT.attempt();
        if (!accessor.isAvailable()) {
            err.println("this Java cannot attach to other JVMs: run the command with a JDK (it needs the jdk.attach module)");
            return 1;
        }
        Class<?> vmType = accessor.getVirtualMachineType();
        Object vm;
        try {
            vm = vmType.getMethod("attach", String.class).invoke(null, pid);
        } catch (Throwable t) {
            err.println("cannot attach to JVM " + pid + ": " + message(t));
            err.println("  the process must be a running JVM (HotSpot or OpenJ9) of the same user, started without"
                    + " -XX:+DisableAttachMechanism; see 'java -jar weft-agent.jar list'");
            return 1;
        }
        try {
            Properties before = (Properties) invoke(vmType, vm, "getSystemProperties");
            if (before.getProperty(AgentInfo.STARTED_PROPERTY) != null) {
                out.println("Weft is already running in JVM " + pid + "; attaching again changes nothing"
                        + Optional.ofNullable(before.getProperty(REPORT)).map(r -> " (" + r + ")").orElse("") + ".");
                out.println("Use its switches (JMX, or HTTP with weft.http.port) or restart it to change settings.");
                return 0;
            }
            String spec = before.getProperty("java.specification.version", "0");
            int feature = spec.startsWith("1.") ? 8 : Integer.parseInt(spec.replaceAll("\\..*", ""));
            if (feature < 11) {
                err.println("JVM " + pid + " runs Java " + spec + "; Weft needs Java 11 or newer");
                return 1;
            }
            if (feature >= 21 && !dynamicLoadingEnabled(vmType, vm)) {
                out.println("note: JVM " + pid + " runs Java " + feature + ", which prints a warning about a dynamically"
                        + " loaded agent; start it with -XX:+EnableDynamicAgentLoading to allow agents explicitly");
            }
            vmType.getMethod("loadAgent", String.class, String.class).invoke(vm, jar.getAbsolutePath(),
                    agentArgs.toString());
            Properties after = (Properties) invoke(vmType, vm, "getSystemProperties");
            if (after.getProperty(AgentInfo.STARTED_PROPERTY) == null) {
                out.println("Weft was loaded into JVM " + pid + " but did not start: see that JVM's standard error"
                        + " (lines starting with [weft])" + (config.enabled() ? "" : "; weft.enabled=false was given"));
                return config.enabled() ? 1 : 0;
            }
            out.println("Weft attached to JVM " + pid + ": " + after.getProperty(REPORT, "started"));
            return 0;
        } catch (Throwable t) {
            err.println("attaching to JVM " + pid + " failed: " + message(t));
            return 1;
        } finally {
            try {
                invoke(vmType, vm, "detach");
            } catch (Throwable ignored) {
                // the target may be gone
            }
        }
    }

    /** Whether the target was started with {@code -XX:+EnableDynamicAgentLoading} (read from its JVM arguments). */
    private static boolean dynamicLoadingEnabled(Class<?> vmType, Object vm) {
        try {
            Properties agent = (Properties) invoke(vmType, vm, "getAgentProperties");
            String jvmArgs = agent.getProperty("sun.jvm.args", "") + " " + agent.getProperty("sun.jvm.flags", "");
            return jvmArgs.contains("+EnableDynamicAgentLoading");
        } catch (Throwable t) {
            return false;
        }
    }

    private int list() {
        ByteBuddyAgent.AttachmentProvider.Accessor accessor = ByteBuddyAgent.AttachmentProvider.DEFAULT.attempt();
        long self = ProcessHandle.current().pid();
        List<String[]> rows = new ArrayList<>();
        try {
            Class<?> vmType = accessor.isAvailable() ? accessor.getVirtualMachineType() : null;
            Method listing = vmType == null ? null : vmType.getMethod("list");
            for (Object descriptor : (List<?>) listing.invoke(null)) {
                String id = (String) descriptor.getClass().getMethod("id").invoke(descriptor);
                String name = (String) descriptor.getClass().getMethod("displayName").invoke(descriptor);
                if (!id.equals(String.valueOf(self))) {
                    rows.add(new String[] {id, name.isBlank() ? "(unknown main class)" : name});
                }
            }
        } catch (Throwable t) {
            // No jdk.attach here (a JRE): list the java processes that the operating system shows.
            rows.clear();
            ProcessHandle.allProcesses().filter(p -> p.pid() != self).forEach(p -> p.info().command()
                    .filter(command -> command.endsWith("/java") || command.endsWith("\\java.exe"))
                    .ifPresent(command -> rows.add(new String[] {String.valueOf(p.pid()),
                        p.info().arguments().map(a -> String.join(" ", a)).orElse(command)})));
        }
        if (rows.isEmpty()) {
            out.println("no other JVM of this user found");
            return 0;
        }
        out.printf("%-8s %s%n", "PID", "MAIN CLASS OR JAR");
        for (String[] row : rows) {
            out.printf("%-8s %s%n", row[0], row[1]);
        }
        out.println();
        out.println("attach with: java -jar weft-agent.jar attach <pid> [key=value ...]");
        return 0;
    }

    private static Object invoke(Class<?> type, Object target, String method) throws Exception {
        return type.getMethod(method).invoke(target);
    }

    private static String message(Throwable t) {
        Throwable cause = t;
        while (cause instanceof InvocationTargetException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String text = cause.getMessage();
        return cause.getClass().getSimpleName() + (text == null || text.isBlank() ? "" : ": " + text);
    }
}
