package io.weft.agent.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class image as the build writes it ({@code src/build/SplitCoreJar.java}, run as the POM runs it) and read back. */
class ClassImageTest {

    @TempDir
    Path tmp;

    @Test
    void everyEntryOfTheStartIsReadBackAndTheRestGoesToTheLibraryJar() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            entries.put("io/weft/agent/C" + i + ".class", ("class " + i).getBytes(StandardCharsets.UTF_8));
        }
        // "Aa" and "BB" have one hash code: the second is found past the first's slot
        entries.put("io/weft/agent/Aa", new byte[] {1});
        entries.put("io/weft/agent/BB", new byte[] {2});
        entries.put("io/weft/agent/ops/status.html", "<html>".getBytes(StandardCharsets.UTF_8));
        entries.put("io/weft/shaded/caffeine/cache/Caffeine.class", new byte[0]);
        entries.put("io/weft/shaded/lettuce/core/RedisClient.class", new byte[] {9});
        Path libraries = SplitCoreJarRun.split(tmp, entries);

        ClassImage image = ClassImage.open(tmp.resolve("core.image").toFile());
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            if (entry.getKey().startsWith("io/weft/shaded/lettuce/")) {
                assertNull(image.read(entry.getKey()), entry.getKey());
            } else {
                assertArrayEquals(entry.getValue(), image.read(entry.getKey()), entry.getKey());
            }
        }
        assertNull(image.read("io/weft/agent/C300.class"));
        assertNull(image.read("io/weft/agent/C1.clas"));
        assertNull(image.read("io/weft/agent/"));
        try (ZipFile jar = new ZipFile(libraries.toFile())) {
            assertEquals(1, jar.size());
            assertArrayEquals(new byte[] {9},
                    jar.getInputStream(jar.getEntry("io/weft/shaded/lettuce/core/RedisClient.class")).readAllBytes());
        }
    }

    @Test
    void aFileThatIsNoImageIsRefused() throws IOException {
        Path jar = Files.write(tmp.resolve("not.image"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThrows(IOException.class, () -> ClassImage.open(jar.toFile()));
    }
}
