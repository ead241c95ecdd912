import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A build step of the agent (run by the agent's POM after {@code PatchLibraryLoggers}, before nesting): splits the
 * shaded core jar in two. The first keeps what a JVM with L1 only loads at start (Weft's runtime, Caffeine and
 * Byte Buddy's ASM); the second, listed after it on Weft's class loader, holds the rest (Lettuce, Netty, Reactor,
 * Jackson, the PostgreSQL driver, the rest of Byte Buddy, the service files). A {@code URLClassLoader} opens a jar
 * of its path only when the ones before it lack a class or resource, and opening one reads its whole central
 * directory: the first jar has about 1,000 entries, the second about 9,500, which a JVM without Redis never reads.
 *
 * <pre>java SplitCoreJar.java target/weft-agent-core.jar target/weft-agent-libs.jar</pre>
 */
public final class SplitCoreJar {

    /** Entry-name prefixes of the first jar. */
    static final List<String> AT_START = List.of("META-INF/MANIFEST.MF", "io/weft/agent/", "io/weft/shaded/caffeine/",
            "io/weft/shaded/net/bytebuddy/jar/asm/");

    private SplitCoreJar() {
    }

    public static void main(String[] args) throws IOException {
        Path core = Path.of(args[0]);
        Path libraries = Path.of(args[1]);
        Path first = core.resolveSibling(core.getFileName() + ".split");
        int[] counts = new int[2];
        try (ZipFile in = new ZipFile(core.toFile());
                ZipOutputStream atStart = new ZipOutputStream(Files.newOutputStream(first));
                ZipOutputStream rest = new ZipOutputStream(Files.newOutputStream(libraries))) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                boolean early = AT_START.stream().anyMatch(entry.getName()::startsWith);
                copy(in, entry, early ? atStart : rest);
                counts[early ? 0 : 1]++;
            }
        }
        if (counts[0] == 0 || counts[1] == 0) {
            throw new IllegalStateException("splitting " + core + " left a jar empty (" + counts[0] + " and " + counts[1]
                    + " entries): the shaded layout changed; check SplitCoreJar.AT_START");
        }
        Files.move(first, core, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("SplitCoreJar: " + counts[0] + " entries in " + core.getFileName() + ", " + counts[1]
                + " in " + libraries.getFileName());
    }

    private static void copy(ZipFile in, ZipEntry entry, ZipOutputStream out) throws IOException {
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setTime(entry.getTime());
        out.putNextEntry(copy);
        try (InputStream read = in.getInputStream(entry)) {
            read.transferTo(out);
        }
        out.closeEntry();
    }
}
