package io.weft.sample.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.weft.annotations.CacheResult;
import io.weft.sample.model.Voice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The text-to-speech voices, fetched from a slow third-party API; cached for an hour. */
public class VoiceService {

    private final URI voicesUrl;
    private final ObjectMapper json;
    private final BackendStats stats;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** {@code voicesUrl} answers {@code GET} with a JSON list of voices. */
    public VoiceService(URI voicesUrl, ObjectMapper json, BackendStats stats) {
        this.voicesUrl = voicesUrl;
        this.json = json;
        this.stats = stats;
    }

    @CacheResult(key = "tts:voices", ttl = "1h")
    public List<Voice> getVoices() {
        stats.getVoices.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(voicesUrl).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("voices API answered HTTP " + response.statusCode());
            }
            return json.readValue(response.body(), json.getTypeFactory().constructCollectionType(List.class, Voice.class));
        } catch (IOException e) {
            throw new UncheckedIOException("voices API failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the voices API", e);
        }
    }
}
