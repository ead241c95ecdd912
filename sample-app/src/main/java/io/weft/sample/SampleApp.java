package io.weft.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpServer;
import io.weft.sample.http.ApiServer;
import io.weft.sample.remote.VoicesStub;
import io.weft.sample.service.BackendStats;
import io.weft.sample.service.BookService;
import io.weft.sample.service.UserService;
import io.weft.sample.service.VoiceService;
import io.weft.sample.store.BookRepository;
import io.weft.sample.store.Database;
import io.weft.sample.store.Seed;
import io.weft.sample.store.UserRepository;
import java.net.URI;

/**
 * The storybook sample service, wired by hand. System properties:
 * <ul>
 *   <li>{@code sample.port}: HTTP port on 127.0.0.1, default 8080, {@code 0} for an ephemeral one;</li>
 *   <li>{@code sample.db.url}: JDBC URL (H2 or PostgreSQL), default an in-memory H2 database;</li>
 *   <li>{@code sample.voices.url}: URL of the remote voices list; default a slow stub started in this JVM,
 *       which waits {@code sample.voices.delay.ms} (default 200) before answering;</li>
 *   <li>{@code sample.instance}: the {@code X-Instance} response header, default the process id;</li>
 *   <li>{@code sample.seed.readers}: how many generated readers ({@link Seed#reader}) to add, default 0 (load runs).</li>
 * </ul>
 * Prints {@code SAMPLE_APP_READY port=<port>} once it is listening.
 */
public final class SampleApp {

    private static final String DEFAULT_DB_URL = "jdbc:h2:mem:storybook;DB_CLOSE_DELAY=-1";

    private SampleApp() {
    }

    public static void main(String[] args) throws Exception {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and
        // the client's delayed ACK add ~40 ms to every response.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        ObjectMapper json = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        String voicesUrl = System.getProperty("sample.voices.url");
        URI voices = voicesUrl != null
                ? URI.create(voicesUrl)
                : VoicesStub.start(json, Long.getLong("sample.voices.delay.ms", 200));

        Database db = new Database(System.getProperty("sample.db.url", DEFAULT_DB_URL));
        Seed.apply(db);
        Seed.readers(db, Integer.getInteger("sample.seed.readers", 0));
        BackendStats stats = new BackendStats();
        HttpServer server = ApiServer.start(
                Integer.getInteger("sample.port", 8080),
                System.getProperty("sample.instance", String.valueOf(ProcessHandle.current().pid())),
                json,
                new BookService(new BookRepository(db), stats),
                new UserService(new UserRepository(db), stats),
                new VoiceService(voices, json, stats),
                stats);
        System.out.println("SAMPLE_APP_READY port=" + server.getAddress().getPort());
        System.out.flush();
    }
}
