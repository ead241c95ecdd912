package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import org.junit.jupiter.api.Test;

/**
 * SPEC §1: {@code agent/target/weft-agent.jar} carries Lettuce, Netty, Reactor and the PostgreSQL driver only
 * relocated under {@code io/weft/shaded/}, in the jar itself and in its nested {@code weft/weft-agent-libs.jar} (the
 * nested {@code weft/weft-agent-core.image} holds only {@code io/weft/} names, by construction), and offers no JDBC
 * driver to the application's {@code DriverManager} (SPEC §14). A JVM with L1 only loads its classes from the image
 * and never opens the library jar (its thousands of entries are read only when Redis, PostgreSQL or JSON is used).
 */
class AgentJarTest {

    private static final List<String> NESTED = List.of("weft/weft-agent-libs.jar");
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final List<String> UNRELOCATED = List.of("io/lettuce/", "io/netty/", "reactor/", "org/postgresql/");

    @Test
    void lettuceNettyAndReactorAreRelocated() throws IOException {
        try (JarFile agent = new JarFile(Paths.agentJar().toFile())) {
            List<String> names = new ArrayList<>();
            agent.stream().map(JarEntry::getName).forEach(names::add);
            for (String jar : NESTED) {
                JarEntry core = agent.getJarEntry(jar);
                assertNotNull(core, "no nested " + jar + " in " + names);
                try (InputStream in = agent.getInputStream(core); JarInputStream nested = new JarInputStream(in)) {
                    for (JarEntry entry; (entry = nested.getNextJarEntry()) != null; ) {
                        names.add(entry.getName());
                    }
                }
            }
            assertNotNull(agent.getJarEntry("weft/weft-agent-core.image"), "no nested class image in " + names);
            List<String> unrelocated = names.stream().filter(n -> UNRELOCATED.stream().anyMatch(n::startsWith)).toList();
            assertTrue(unrelocated.isEmpty(), unrelocated.size() + " entries not relocated, e.g. "
                    + unrelocated.subList(0, Math.min(3, unrelocated.size())));
            assertTrue(!names.contains("META-INF/services/java.sql.Driver"), "a JDBC driver is offered to DriverManager");
            for (String library : List.of("lettuce/", "netty/", "reactor/", "postgresql/")) {
                assertTrue(names.stream().anyMatch(n -> n.startsWith("io/weft/shaded/" + library)),
                        "io/weft/shaded/" + library + " is missing: the relocation moved nothing");
            }
        }
    }

    @Test
    void aJvmWithL1OnlyNeverOpensTheLibraryJar() throws Exception {
        try (AppJvm app = AppJvm.builder()
                .classpath(TestApps.compile("openjars", List.of("-g")), Paths.annotationsJar())
                .main("app.OpenJars").start()) {
            String result = app.awaitStdout(line -> line.startsWith("RESULT "), RUN);

            assertEquals(0, app.awaitExit(RUN), app.transcript());
            assertTrue(result.startsWith("RESULT hello a runs=1 "), app.transcript());
            assertTrue(result.contains("weft-agent-core-"), "the class image is not open: " + result);
            assertFalse(result.contains("weft-agent-libs-"), "the library jar was opened: " + result);
        }
    }
}
