package io.weft.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where the build put what the tests run: set by Maven as system properties (see the module's pom). */
public final class Paths {

    private Paths() {
    }

    public static Path agentJar() {
        return existing("weft.it.agent");
    }

    public static Path annotationsJar() {
        return existing("weft.it.annotations");
    }

    public static Path sampleAppJar() {
        return existing("weft.it.sampleApp");
    }

    /** The Spring Boot executable jar of {@code fixtures/boot-app}. */
    public static Path bootAppJar() {
        return existing("weft.it.bootApp");
    }

    /** The OpenTelemetry Java agent, copied from Maven Central by the build. */
    public static Path otelAgentJar() {
        return existing("weft.it.otelAgent");
    }

    /** The class path of {@code fixtures/kotlin-app}: its jar and kotlin-stdlib. */
    public static Path[] kotlinAppClasspath() {
        Path target = existing("weft.it.kotlinApp");
        return new Path[] {target.resolve("weft-it-kotlin-app.jar"), target.resolve("lib").resolve("*")};
    }

    /** Older Jackson, Caffeine and Byte Buddy jars, copied by the build for the conflicting-versions test. */
    public static Path oldLibs() {
        return existing("weft.it.oldLibs");
    }

    /** The Tomcat distribution unpacked by the build (its {@code bin/catalina.sh}, {@code lib/servlet-api.jar}). */
    public static Path tomcatHome() {
        return existing("weft.it.tomcat");
    }

    /** Sources of the small applications under test, compiled by {@link TestApps}. */
    public static Path appSources() {
        return existing("weft.it.apps");
    }

    public static Path workDir() {
        return Path.of(System.getProperty("weft.it.work", "target/it-work")).toAbsolutePath();
    }

    /** The java launcher for application JVMs: {@code weft.it.java}, or the one running the tests. */
    public static Path javaLauncher() {
        String configured = System.getProperty("weft.it.java", "");
        Path java = configured.isBlank() ? Path.of(System.getProperty("java.home"), "bin", "java") : Path.of(configured);
        assertTrue(Files.isExecutable(java), "no java launcher at " + java + " (weft.it.java)");
        return java;
    }

    /** The feature version of {@link #javaLauncher()} (17, 25), from its JDK's {@code release} file. */
    public static int javaFeatureVersion() throws IOException {
        Path release = javaLauncher().toRealPath().getParent().getParent().resolve("release");
        Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
        assertTrue(m.find(), "no JAVA_VERSION in " + release);
        return Integer.parseInt(m.group(1));
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        assertTrue(value != null && Files.exists(Path.of(value)),
                property + " must name an existing file; run the tests through Maven (./mvnw verify), got " + value);
        return Path.of(value);
    }
}
