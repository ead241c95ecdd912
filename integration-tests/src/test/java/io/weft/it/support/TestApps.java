package io.weft.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles one of the applications under {@code src/test/apps} with chosen javac flags, so that
 * tests can check classes with and without parameter names and debug information.
 */
public final class TestApps {

    private TestApps() {
    }

    /**
     * Compiles {@code src/test/apps/<name>} into a fresh folder.
     *
     * @param flags javac flags such as {@code -g}, {@code -g:none} or {@code -parameters}
     * @param classpath extra class path entries besides the annotations jar
     */
    public static Path compile(String name, List<String> flags, Path... classpath) throws IOException {
        return compile(name, "-cp", flags, classpath);
    }

    /**
     * Compiles {@code src/test/apps/<name>}, a named module (its {@code module-info.java} at the top), into a
     * fresh folder, with the annotations jar (an automatic module, {@code io.weft.annotations}) on the module path.
     */
    public static Path compileModule(String name, List<String> flags) throws IOException {
        return compile(name, "--module-path", flags);
    }

    private static Path compile(String name, String pathOption, List<String> flags, Path... classpath) throws IOException {
        Path out = Paths.workDir().resolve("apps").resolve(name + String.join("", flags).replace(':', '_'));
        Files.createDirectories(out);
        List<String> sources;
        try (Stream<Path> files = Files.walk(Paths.appSources().resolve(name))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList());
        }
        StringBuilder cp = new StringBuilder(Paths.annotationsJar().toString());
        for (Path entry : classpath) {
            cp.append(java.io.File.pathSeparator).append(entry);
        }
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "-d", out.toString(), pathOption, cp.toString()));
        arguments.addAll(flags);
        arguments.addAll(sources);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        int status = javac.run(null, null, new java.io.PrintStream(new java.io.ByteArrayOutputStream()) {
            @Override
            public void write(byte[] b, int off, int len) {
                errors.write(new String(b, off, len));
            }
        }, arguments.toArray(new String[0]));
        assertTrue(status == 0, "javac failed for " + name + ": " + errors);
        return out;
    }
}
