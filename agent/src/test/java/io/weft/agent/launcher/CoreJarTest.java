package io.weft.agent.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the nested jar is copied: only into a directory of the user's own that nobody else can write to. */
class CoreJarTest {

    @TempDir
    Path tmp;
    private String savedTmpdir;

    @BeforeEach
    void pointTmpdirHere() {
        savedTmpdir = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmp.toString());
    }

    @AfterEach
    void restoreTmpdir() {
        System.setProperty("java.io.tmpdir", savedTmpdir);
    }

    @Test
    void createsAnOwnerOnlyDirectory() throws Exception {
        Path dir = CoreJar.privateDirectory();
        assertEquals(tmp.resolve("weft-" + System.getProperty("user.name")), dir);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(dir, CoreJar.privateDirectory(), "and reuses it");
    }

    @Test
    void neverTrustsADirectoryOthersCanWriteTo() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("weft-" + System.getProperty("user.name")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertNull(CoreJar.privateDirectory());
    }

    @Test
    void neverFollowsALinkPlantedInItsPlace() throws Exception {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(tmp.resolve("weft-" + System.getProperty("user.name")), elsewhere);
        assertNull(CoreJar.privateDirectory());
    }
}
