package io.weft.agent.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Runs the build's {@code src/build/SplitCoreJar.java} as the POM does, on a core jar of given entries. */
final class SplitCoreJarRun {

    private SplitCoreJarRun() {
    }

    /** Splits a core jar of {@code entries} into {@code dir/core.image} and the library jar, which it returns. */
    static Path split(Path dir, Map<String, byte[]> entries) throws IOException, InterruptedException {
        Path core = dir.resolve("core.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(core))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        Path libraries = dir.resolve("libs.jar");
        Process split = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                Path.of("src", "build", "SplitCoreJar.java").toString(), core.toString(),
                dir.resolve("core.image").toString(), libraries.toString()).inheritIO().start();
        if (!split.waitFor(60, TimeUnit.SECONDS) || split.exitValue() != 0) {
            throw new IOException("SplitCoreJar failed");
        }
        return libraries;
    }
}
