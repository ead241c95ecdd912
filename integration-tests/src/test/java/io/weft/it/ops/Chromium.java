package io.weft.it.ops;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium}, headless, for rendering the status page. When it is not installed the test
 * fails and says how to install it: it never skips.
 */
final class Chromium {

    private static final int TIMEOUT_SECONDS = 90;

    private final Path binary;
    private final Path work;

    private Chromium(Path binary, Path work) {
        this.binary = binary;
        this.work = work;
    }

    /** The browser at {@code WEFT_CHROMIUM}, {@code /usr/bin/chromium} or on the PATH; fails when there is none. */
    static Chromium find(Path work) throws IOException {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getenv("WEFT_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("/usr/bin/chromium"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "chromium"));
                candidates.add(Path.of(dir, "chromium-browser"));
            }
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                Files.createDirectories(work);
                return new Chromium(candidate, work);
            }
        }
        fail("Chromium is not installed, and the status page test needs it: install Debian's package"
                + " (apt-get install -y chromium; ./test.sh does it) or set WEFT_CHROMIUM to a Chromium binary."
                + " Looked at " + candidates);
        throw new AssertionError();
    }

    /** Renders {@code url} into {@code png} at 1200×900 after up to 3 s of (virtual) page time. */
    void screenshot(String url, Path png) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run(List.of("--screenshot=" + png, "--window-size=1200,900"), url, "screenshot");
        if (!Files.isRegularFile(png)) {
            fail("Chromium wrote no screenshot to " + png);
        }
    }

    /** The DOM of {@code url} after its scripts ran (up to 3 s of virtual time). */
    String dumpDom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom"), url, "dom");
    }

    private String run(List<String> action, String url, String name) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "profile-");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--virtual-time-budget=3000"));
        command.addAll(action);
        command.add(url);
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("Chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command + "\n" + Files.readString(err));
        }
        if (process.exitValue() != 0) {
            fail("Chromium failed (exit " + process.exitValue() + "): " + command + "\n" + Files.readString(err));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
