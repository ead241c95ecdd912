package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.agent.testing.RedisFixture;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values of a class shaped like a Kotlin data class (final fields, one all-arguments constructor, getters, no
 * default constructor) go to Redis and come back through that constructor, its parameter names taken from the
 * class file: {@code MethodParameters} ({@code -parameters}, Kotlin's {@code -java-parameters}) or the local
 * variable table ({@code -g}, which Kotlin always writes).
 */
class ConstructorValuesTest {

    private static final String SOURCE = "package kt;\n"
            + "public final class Book {\n"
            + "    private final String title;\n"
            + "    private final int pages;\n"
            + "    public Book(String title, int pages) { this.title = title; this.pages = pages; }\n"
            + "    public final String getTitle() { return title; }\n"
            + "    public final int getPages() { return pages; }\n"
            + "    public String toString() { return \"Book(title=\" + title + \", pages=\" + pages + \")\"; }\n"
            + "}\n";

    @TempDir
    Path dir;

    private Class<?> compile(String... flags) throws Exception {
        Path source = Files.createDirectories(dir.resolve("src/kt")).resolve("Book.java");
        Files.writeString(source, SOURCE);
        Path out = Files.createDirectories(dir.resolve("out" + String.join("", flags).replace(':', '_')));
        List<String> arguments = new java.util.ArrayList<>(List.of("-d", out.toString()));
        arguments.addAll(List.of(flags));
        arguments.add(source.toString());
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(new String[0])));
        return new URLClassLoader(new URL[] {out.toUri().toURL()}, null).loadClass("kt.Book");
    }

    /** Encodes a new {@code kt.Book}, stores it in Redis, reads it back and decodes it as the class. */
    private static Object roundTrip(Class<?> type, RedisStore store) throws Exception {
        ValueCodec codec = new ValueCodec(1 << 20, 0);
        Object book = type.getConstructor(String.class, int.class).newInstance("Dune", 412);
        store.set("kt:book", codec.encode(book), 60_000);
        byte[] json = null;
        for (int i = 0; i < 100 && json == null; i++) {
            json = store.get("kt:book");
        }
        assertEquals("{\"title\":\"Dune\",\"pages\":412}", new String(json, java.nio.charset.StandardCharsets.UTF_8));
        return codec.decode(json, type);
    }

    @Test
    void aClassWithoutADefaultConstructorIsReadBackThroughItsConstructor() throws Exception {
        try (RedisFixture redis = RedisFixture.startLocal(null);
                RedisEndpoint endpoint = new RedisEndpoint(redis.uri());
                RedisStore store = new RedisStore(endpoint, Duration.ofSeconds(2), new CircuitBreaker("kt redis"))) {
            for (String[] flags : new String[][] {{"-parameters", "-g:none"}, {"-g"}}) {
                Class<?> type = compile(flags);
                Object read = roundTrip(type, store);
                assertEquals(type, read.getClass(), String.join(" ", flags));
                assertEquals("Book(title=Dune, pages=412)", read.toString(), String.join(" ", flags));
            }
            Class<?> nameless = compile("-g:none");
            UnreadableValueException e = assertThrows(UnreadableValueException.class, () -> roundTrip(nameless, store),
                    "without parameter names there is no creator, as Jackson says");
            assertEquals(true, e.getMessage().contains("kt.Book"), e.getMessage());
        }
    }

}
