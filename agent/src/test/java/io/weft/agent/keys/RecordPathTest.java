package io.weft.agent.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property paths on a real record (the test sources are compiled for Java 11, so the record is compiled
 * here) defined by a class loader the agent cannot see: the path is resolved by the declared type's
 * name through the signature's loader, as for an application class.
 */
class RecordPathTest {

    @TempDir
    static Path dir;

    private static ClassLoader appLoader;

    @BeforeAll
    static void compileRecords() throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "the tests need a JDK (a system Java compiler), not a JRE");
        Path pkg = Files.createDirectories(dir.resolve("weft/test"));
        Files.writeString(pkg.resolve("Owner.java"),
                "package weft.test; public record Owner(java.util.UUID id, String name) {}", StandardCharsets.UTF_8);
        Files.writeString(pkg.resolve("Book.java"),
                "package weft.test; record Book(String title, Owner owner) {}", StandardCharsets.UTF_8);
        Files.writeString(pkg.resolve("Books.java"),
                "package weft.test; public final class Books { public static Object book(String t, String n) {"
                        + " return new Book(t, n == null ? null : new Owner(java.util.UUID.fromString("
                        + "\"3f2a0c1e-5b7d-4e8f-9a10-112233445566\"), n)); } }",
                StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = compiler.run(null, null, err, "-d", dir.toString(), pkg.resolve("Owner.java").toString(),
                pkg.resolve("Book.java").toString(), pkg.resolve("Books.java").toString());
        assertEquals(0, rc, err::toString);
        appLoader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    private static Object book(String title, String ownerName) throws Exception {
        return Class.forName("weft.test.Books", true, appLoader).getMethod("book", String.class, String.class)
                .invoke(null, title, ownerName);
    }

    private static KeyRenderer bind(String template) {
        Signature sig = FakeSignature.oneParameter("book", "weft.test.Book", appLoader);
        return TemplateBinder.bind(Template.parse(template), sig, false);
    }

    @Test
    void testLoaderCannotSeeTheRecord() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("weft.test.Book"));
    }

    @Test
    void recordAccessorOfAPackagePrivateRecordIsRead() throws Exception {
        assertEquals("b:moby\\:dick", bind("b:{book.title}").render(new Object[] {book("moby:dick", "ann")}, null));
    }

    @Test
    void nestedRecordAccessorsAreRead() throws Exception {
        assertEquals("o:3f2a0c1e-5b7d-4e8f-9a10-112233445566:ann",
                bind("o:{book.owner.id}:{book.owner.name}").render(new Object[] {book("t", "ann")}, null));
    }

    @Test
    void nullRecordComponentInTheMiddleOfAPathRendersNull() throws Exception {
        assertEquals("o:null", bind("o:{book.owner.name}").render(new Object[] {book("t", null)}, null));
    }

    @Test
    void resolvedPathIsReusedForLaterCalls() throws Exception {
        KeyRenderer r = bind("o:{book.owner.name}");
        List<String> names = List.of("a", "b", "c");
        for (String n : names) {
            assertEquals("o:" + n, r.render(new Object[] {book("t", n)}, null));
        }
    }
}
