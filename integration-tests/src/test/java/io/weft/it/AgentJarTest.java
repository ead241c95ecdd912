package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.it.support.Paths;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import org.junit.jupiter.api.Test;

/**
 * SPEC §1: {@code agent/target/weft-agent.jar} carries Lettuce, Netty, Reactor and the PostgreSQL driver only
 * relocated under {@code io/weft/shaded/}, in the jar itself and in its nested {@code weft/weft-agent-core.jar},
 * and offers no JDBC driver to the application's {@code DriverManager} (SPEC §14).
 */
class AgentJarTest {

    private static final List<String> UNRELOCATED = List.of("io/lettuce/", "io/netty/", "reactor/", "org/postgresql/");

    @Test
    void lettuceNettyAndReactorAreRelocated() throws IOException {
        try (JarFile agent = new JarFile(Paths.agentJar().toFile())) {
            List<String> names = new ArrayList<>();
            agent.stream().map(JarEntry::getName).forEach(names::add);
            JarEntry core = agent.getJarEntry("weft/weft-agent-core.jar");
            assertNotNull(core, "no nested core jar in " + names);
            try (InputStream in = agent.getInputStream(core); JarInputStream nested = new JarInputStream(in)) {
                for (JarEntry entry; (entry = nested.getNextJarEntry()) != null; ) {
                    names.add(entry.getName());
                }
            }
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
}
