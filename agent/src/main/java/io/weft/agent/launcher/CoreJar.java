package io.weft.agent.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
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
 * The nested files of Weft's runtime in {@code weft-agent.jar}: the {@link ClassImage} of what a JVM with L1 only
 * loads (Weft, Caffeine, ASM: {@value #IMAGE}) and the jar of the relocated libraries ({@value #LIBRARIES}: Redis,
 * PostgreSQL, JSON), each copied once to a directory of the user's own under {@code java.io.tmpdir} (named by the
 * entry's CRC, so a new agent version gets new copies and JVMs started later reuse them) and opened in one class
 * loader whose parent is the one that loaded the launcher. The loader opens the library jar, and reads its thousands
 * of entries, only when a class or resource is not in the image. A directory that another user could write to is
 * never trusted: the copies then go to fresh temporary files, deleted at exit.
 */
final class CoreJar {

    static final String IMAGE = "weft/weft-agent-core.image";
    static final String LIBRARIES = "weft/weft-agent-libs.jar";

    private static ClassLoader loader;

    private CoreJar() {
    }

    /** The class loader of Weft's runtime, created on first use. */
    static synchronized ClassLoader loader() throws IOException {
        if (loader == null) {
            Path dir = privateDirectory();
            try (JarFile launcher = new JarFile(launcherJar())) {
                Path image = extract(launcher, IMAGE, dir);
                URL[] jars = {extract(launcher, LIBRARIES, dir).toUri().toURL()};
                loader = new WeftClassLoader(ClassImage.open(image.toFile()), image.toUri().toURL(), jars,
                        AgentLauncher.class.getClassLoader());
            }
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

    /** {@code nested} copied into {@code dir}, or to a temporary file when {@code dir} is {@code null}. */
    private static Path extract(JarFile launcher, String nested, Path dir) throws IOException {
        JarEntry entry = launcher.getJarEntry(nested);
        if (entry == null) {
            throw new IOException(launcher.getName() + " has no " + nested + ": it is not a complete Weft agent jar");
        }
        String file = nested.substring(nested.lastIndexOf('/') + 1);
        String base = file.substring(0, file.lastIndexOf('.'));
        String extension = file.substring(base.length());
        String name = base + "-" + Long.toHexString(entry.getCrc()) + "-" + entry.getSize() + extension;
        if (dir == null) {
            Path copy = Files.createTempFile(base + "-", extension);
            copy.toFile().deleteOnExit();
            copy(launcher, entry, copy);
            return copy;
        }
        Path jar = dir.resolve(name);
        if (!Files.isRegularFile(jar) || Files.size(jar) != entry.getSize()) {
            Path partial = Files.createTempFile(dir, name, ".partial");
            copy(launcher, entry, partial);
            Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return jar;
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
