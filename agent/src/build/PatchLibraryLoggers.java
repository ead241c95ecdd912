import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * A build step of the agent (run by the agent's POM between shading the core jar and nesting it in weft-agent.jar,
 * with Byte Buddy's ASM on the class path): points every {@code System.getLogger(String)} call of the relocated
 * libraries in the core jar ({@code io/weft/shaded/...}) at {@code io.weft.agent.log.LibraryLoggers#getLogger}, which
 * starts no {@code java.util.logging.LogManager} (see that class). Fails the build if it finds no such call (the
 * libraries changed: check whether the step is still needed) or a {@code System.getLogger} of another form.
 *
 * <pre>java -cp &lt;byte-buddy.jar&gt; PatchLibraryLoggers.java target/weft-agent-core.jar</pre>
 */
public final class PatchLibraryLoggers {

    private static final String SYSTEM = "java/lang/System";
    private static final String GET_LOGGER = "getLogger";
    private static final String BY_NAME = "(Ljava/lang/String;)Ljava/lang/System$Logger;";
    private static final String REPLACEMENT = "io/weft/agent/log/LibraryLoggers";
    private static final String LIBRARIES = "io/weft/shaded/";
    private static final byte[] MARKER = GET_LOGGER.getBytes(StandardCharsets.US_ASCII);

    private PatchLibraryLoggers() {
    }

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Path patched = jar.resolveSibling(jar.getFileName() + ".patched");
        int[] calls = {0};
        int classes = 0;
        try (ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(patched))) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream read = in.getInputStream(entry)) {
                    bytes = read.readAllBytes();
                }
                String name = entry.getName();
                if (name.startsWith(LIBRARIES) && name.endsWith(".class") && contains(bytes, MARKER)) {
                    int before = calls[0];
                    bytes = patch(name, bytes, calls);
                    classes += calls[0] > before ? 1 : 0;
                }
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        if (calls[0] == 0) {
            throw new IllegalStateException("no System.getLogger(String) call found under " + LIBRARIES + " in " + jar
                    + ": the libraries changed; check whether this build step is still needed");
        }
        Files.move(patched, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("PatchLibraryLoggers: " + calls[0] + " System.getLogger call(s) in " + classes
                + " class(es) now call " + REPLACEMENT.replace('/', '.'));
    }

    private static byte[] patch(String name, byte[] bytes, int[] calls) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, method, descriptor, signature,
                        exceptions)) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String called, String calledDescriptor,
                            boolean isInterface) {
                        if (opcode == Opcodes.INVOKESTATIC && owner.equals(SYSTEM) && called.equals(GET_LOGGER)) {
                            if (!calledDescriptor.equals(BY_NAME)) {
                                throw new IllegalStateException(name + "#" + method + " calls System.getLogger"
                                        + calledDescriptor + ", which " + REPLACEMENT + " does not offer");
                            }
                            calls[0]++;
                            super.visitMethodInsn(opcode, REPLACEMENT, called, calledDescriptor, false);
                        } else {
                            super.visitMethodInsn(opcode, owner, called, calledDescriptor, isInterface);
                        }
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }

    private static boolean contains(byte[] bytes, byte[] marker) {
        outer:
        for (int i = 0; i <= bytes.length - marker.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (bytes[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
