import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A build step of the agent (run by the agent's POM after {@code PatchLibraryLoggers}, before nesting): splits the
 * shaded core jar in two. What a JVM with L1 only loads at start (Weft's runtime, Caffeine and Byte Buddy's ASM) goes
 * to a class image, which the launcher maps and reads without unzipping (its format: the launcher's
 * {@code ClassImage}); the rest (Lettuce, Netty, Reactor, Jackson, the PostgreSQL driver, the rest of Byte Buddy, the
 * service files) to a jar that Weft's class loader opens only when the image lacks a class or resource, and opening
 * one reads its whole central directory, about 9,500 entries, which a JVM without Redis never reads.
 *
 * <pre>java SplitCoreJar.java target/weft-agent-core.jar target/weft-agent-core.image target/weft-agent-libs.jar</pre>
 */
public final class SplitCoreJar {

    /** Entry-name prefixes of the image. */
    static final List<String> AT_START = List.of("io/weft/agent/", "io/weft/shaded/caffeine/",
            "io/weft/shaded/net/bytebuddy/jar/asm/");

    /** {@code ClassImage.MAGIC}: "WEFT". */
    static final int MAGIC = 0x57454654;

    private SplitCoreJar() {
    }

    public static void main(String[] args) throws IOException {
        Path core = Path.of(args[0]);
        Path image = Path.of(args[1]);
        Path libraries = Path.of(args[2]);
        List<String> names = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        int rest = 0;
        try (ZipFile in = new ZipFile(core.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(libraries))) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                if (AT_START.stream().noneMatch(entry.getName()::startsWith)) {
                    copy(in, entry, out);
                    rest++;
                } else if (!entry.isDirectory()) {
                    names.add(entry.getName());
                    try (InputStream read = in.getInputStream(entry)) {
                        contents.add(read.readAllBytes());
                    }
                }
            }
        }
        if (names.isEmpty() || rest == 0) {
            throw new IllegalStateException("splitting " + core + " left a part empty (" + names.size() + " and " + rest
                    + " entries): the shaded layout changed; check SplitCoreJar.AT_START");
        }
        Files.write(image, image(names, contents));
        Files.delete(core);
        System.out.println("SplitCoreJar: " + names.size() + " entries in " + image.getFileName() + ", " + rest
                + " in " + libraries.getFileName());
    }

    /** The image of {@code names} and their {@code contents}, in the format the launcher's {@code ClassImage} reads. */
    private static byte[] image(List<String> names, List<byte[]> contents) throws IOException {
        int slots = Integer.highestOneBit(names.size() * 4 - 1);
        int[] table = new int[slots];
        for (int i = 0; i < names.size(); i++) {
            int slot = names.get(i).hashCode() & (slots - 1);
            while (table[slot] != 0) {
                slot = (slot + 1) & (slots - 1);
            }
            table[slot] = i + 1;
        }
        ByteArrayOutputStream paths = new ByteArrayOutputStream();
        for (String name : names) {
            if (!name.chars().allMatch(c -> c < 128)) {
                throw new IllegalStateException("the class image takes ASCII names only: " + name);
            }
            paths.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        }
        int headerLength = 16 + 4 * slots + 4 * 5 * names.size() + paths.size();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (int value : new int[] {MAGIC, names.size(), slots, headerLength}) {
            out.writeInt(value);
        }
        for (int entry : table) {
            out.writeInt(entry);
        }
        int path = headerLength - paths.size();
        int content = headerLength;
        for (int i = 0; i < names.size(); i++) {
            int pathLength = names.get(i).length();
            for (int value : new int[] {names.get(i).hashCode(), path, pathLength, content, contents.get(i).length}) {
                out.writeInt(value);
            }
            path += pathLength;
            content += contents.get(i).length;
        }
        paths.writeTo(out);
        for (byte[] each : contents) {
            out.write(each);
        }
        return bytes.toByteArray();
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
