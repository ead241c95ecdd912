package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.it.support.AppJvm;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Templates bind by name when the class file has names (-g or -parameters), by position always. */
class ParameterNamesTest {

    private static AppJvm start(Path classes) throws Exception {
        return AppJvm.builder().classpath(classes, Paths.annotationsJar()).main("app.Positional").start();
    }

    @Test
    void namesComeFromTheLocalVariableTableOfADefaultDebugBuild() throws Exception {
        try (AppJvm app = start(TestApps.compile("nodebug", List.of("-g")))) {
            Map<String, String> checks = app.checks(Duration.ofSeconds(60));
            assertEquals("1", checks.get("positional.runs"));
            assertEquals("2", checks.get("positional.runs.after.touch"));
            assertEquals("EU,EU", checks.get("named"));
            assertEquals("1", checks.get("named.runs"));
        }
    }

    @Test
    void withoutDebugInformationOnlyPositionsBindAndNamedTemplatesAreReported() throws Exception {
        try (AppJvm app = start(TestApps.compile("nodebug", List.of("-g:none")))) {
            Map<String, String> checks = app.checks(Duration.ofSeconds(60));
            assertEquals("1", checks.get("positional.runs"));
            assertEquals("2", checks.get("positional.runs.after.touch"));
            assertEquals("EU,EU", checks.get("named"), "the unwoven method still works");
            assertEquals("2", checks.get("named.runs"), "and runs uncached");
            assertTrue(app.stderr().stream().anyMatch(line -> line.contains("app.Positional#named")
                    && line.contains("{region}") && line.contains("without parameter names")), app.transcript());
        }
    }
}
