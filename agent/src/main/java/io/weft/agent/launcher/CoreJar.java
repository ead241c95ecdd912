package io.weft.agent.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The nested jar of Weft's runtime and its relocated libraries ({@value #ENTRY} in {@code weft-agent.jar}),
 * copied once to a directory of the user's own under {@code java.io.tmpdir} (named by the entry's CRC,
 * so a new agent version gets a new copy and JVMs started later reuse it) and opened in a class loader
 * whose parent is the one that loaded the launcher. A directory that another user could write to is
 * never trusted: the copy then goes to a fresh temporary file, deleted at exit.
 */
final class CoreJar {

    static final String ENTRY = "weft/weft-agent-core.jar";

    private static ClassLoader loader;

    private CoreJar() {
    }

    /** The class loader of Weft's runtime, created on first use. */
    static synchronized ClassLoader loader() throws IOException {
        if (loader == null) {
            Path core = extract(launcherJar());
            loader = new URLClassLoader("weft", new URL[] {core.toUri().toURL()}, AgentLauncher.class.getClassLoader());
        }
        return loader;
    }

    private static File launcherJar() throws IOException {
        try {
            File jar = new File(AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!jar.isFile()) {
                throw new IOException("the Weft launcher was not loaded from weft-agent.jar but from " + jar);
            }
            return jar;
        } catch (URISyntaxException | SecurityException e) {
            throw new IOException("cannot locate weft-agent.jar: " + e, e);
        }
    }

    private static Path extract(File launcherJar) throws IOException {
        try (JarFile jar = new JarFile(launcherJar)) {
            JarEntry entry = jar.getJarEntry(ENTRY);
            if (entry == null) {
                throw new IOException(launcherJar + " has no " + ENTRY + ": it is not a complete Weft agent jar");
            }
            String name = "weft-agent-core-" + Long.toHexString(entry.getCrc()) + "-" + entry.getSize() + ".jar";
            Path dir = privateDirectory();
            if (dir == null) {
                Path copy = Files.createTempFile("weft-agent-core-", ".jar");
                copy.toFile().deleteOnExit();
                copy(jar, entry, copy);
                return copy;
            }
            Path core = dir.resolve(name);
            if (!Files.isRegularFile(core) || Files.size(core) != entry.getSize()) {
                Path partial = Files.createTempFile(dir, name, ".partial");
                copy(jar, entry, partial);
                Files.move(partial, core, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return core;
        }
    }

    private static void copy(JarFile jar, JarEntry entry, Path to) throws IOException {
        try (InputStream in = jar.getInputStream(entry)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * {@code <tmpdir>/weft-<user>}, created owner-only if missing; {@code null} when it exists but is not
     * the user's own and closed to others, or the file system has no POSIX permissions to tell.
     */
    static Path privateDirectory() {
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "weft-" + System.getProperty("user.name"));
            Set<PosixFilePermission> ownerOnly = EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(ownerOnly));
            }
            boolean own = Files.getOwner(dir).getName().equals(System.getProperty("user.name"));
            return own && Files.getPosixFilePermissions(dir).equals(ownerOnly) && !Files.isSymbolicLink(dir) ? dir : null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }
}
