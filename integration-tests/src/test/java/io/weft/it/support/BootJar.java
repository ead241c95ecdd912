package io.weft.it.support;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Spring Boot fixture ({@code fixtures/boot-app}, built by spring-boot-maven-plugin) started as
 * {@code java -javaagent:… -jar weft-boot-app.jar}, and driven over standard input ({@link AppJvm#call}).
 */
public final class BootJar implements AutoCloseable {

    private static final Duration REPLY = Duration.ofSeconds(30);

    private final AppJvm jvm;

    private BootJar(AppJvm jvm) {
        this.jvm = jvm;
    }

    /** Starts the jar with the options of {@code builder} and waits until Spring has started. */
    public static BootJar start(AppJvm.Builder builder) throws Exception {
        AppJvm jvm = builder.jar(Paths.bootAppJar()).start();
        jvm.awaitStdout("BOOT_READY"::equals, Duration.ofSeconds(90));
        return new BootJar(jvm);
    }

    public AppJvm jvm() {
        return jvm;
    }

    /** Sends one command ({@code price x}, {@code item x}, {@code restock x}, {@code balance x}, {@code ledger}). */
    public String call(String command) {
        return jvm.call(command, REPLY);
    }

    /** How often the body of {@code method} ({@code price}, {@code item}, {@code balance}) has run. */
    public int runs(String method) {
        Matcher m = Pattern.compile("\\b" + method + "=(\\d+)").matcher(call("runs"));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    @Override
    public void close() throws InterruptedException {
        jvm.close();
    }
}
