package io.weft.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Tomcat distribution that the build unpacked, run as a user runs it: {@code bin/catalina.sh run} with the
 * agent in {@code CATALINA_OPTS}, on the JDK of {@link Paths#javaLauncher}, from a fresh {@code CATALINA_BASE}
 * on a free port (no shutdown port; stopped by its PID). Web applications are WAR files in {@code webapps}, and
 * the host looks for changed WARs every second, so touching one redeploys it.
 */
public final class Tomcat implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final Path base;
    private final int port;
    private Process process;

    private Tomcat(Path base, int port) {
        this.base = base;
        this.port = port;
    }

    /** A {@code CATALINA_BASE} with the distribution's configuration and an HTTP connector on {@code port}. */
    public static Tomcat base(int port) throws IOException {
        Path base = Files.createTempDirectory(Files.createDirectories(Paths.workDir()), "tomcat-");
        for (String dir : List.of("conf", "webapps", "logs", "temp", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> conf = Files.list(Paths.tomcatHome().resolve("conf"))) {
            for (Path file : conf.collect(Collectors.toList())) {
                Files.copy(file, base.resolve("conf").resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(base.resolve("conf/server.xml"), "<Server port=\"-1\" shutdown=\"SHUTDOWN\">\n"
                + "  <Service name=\"Catalina\">\n"
                + "    <Connector port=\"" + port + "\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"/>\n"
                + "    <Engine name=\"Catalina\" defaultHost=\"localhost\" backgroundProcessorDelay=\"1\">\n"
                + "      <Host name=\"localhost\" appBase=\"webapps\" unpackWARs=\"true\" autoDeploy=\"true\"/>\n"
                + "    </Engine>\n"
                + "  </Service>\n"
                + "</Server>\n");
        return new Tomcat(base, port);
    }

    /** Writes {@code webapps/<name>.war}: the class folders as {@code WEB-INF/classes}, the annotations jar in {@code WEB-INF/lib}. */
    public void deploy(String name, Path... classFolders) throws IOException {
        try (JarOutputStream war = new JarOutputStream(Files.newOutputStream(war(name)))) {
            for (Path folder : classFolders) {
                try (Stream<Path> files = Files.walk(folder)) {
                    for (Path file : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                        add(war, "WEB-INF/classes/" + folder.relativize(file).toString().replace('\\', '/'), file);
                    }
                }
            }
            add(war, "WEB-INF/lib/weft-annotations.jar", Paths.annotationsJar());
        }
    }

    private static void add(JarOutputStream war, String entry, Path file) throws IOException {
        war.putNextEntry(new JarEntry(entry));
        Files.copy(file, war);
        war.closeEntry();
    }

    private Path war(String name) {
        return base.resolve("webapps").resolve(name + ".war");
    }

    /** Marks the WAR as changed, so that the host undeploys the application and deploys it again (a new class loader). */
    public void redeploy(String name) throws IOException {
        Path war = war(name);
        Instant later = Files.getLastModifiedTime(war).toInstant().plusSeconds(1);
        Files.setLastModifiedTime(war, FileTime.from(later.isAfter(Instant.now()) ? later : Instant.now()));
    }

    /** Starts {@code catalina.sh run} and waits until the server has started; {@code null} when the port was taken. */
    public Tomcat start(String catalinaOpts) throws Exception {
        Path home = Paths.tomcatHome();
        ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/catalina.sh").toString(), "run")
                .redirectErrorStream(true).redirectOutput(log().toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("WEFT_") || name.startsWith("CATALINA_"));
        builder.environment().put("JAVA_HOME", Paths.javaLauncher().getParent().getParent().toString());
        builder.environment().put("CATALINA_HOME", home.toString());
        builder.environment().put("CATALINA_BASE", base.toString());
        builder.environment().put("CATALINA_OPTS", catalinaOpts);
        process = builder.start();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (!transcript().contains("Server startup in")) {
            if (transcript().contains("Address already in use")) {
                close();
                return null;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Tomcat did not start:\n" + transcript());
            }
            Thread.sleep(50);
        }
        return this;
    }

    private Path log() {
        return base.resolve("logs/console.log");
    }

    /** What Tomcat and the agent printed so far. */
    public String transcript() {
        try {
            return Files.exists(log()) ? Files.readString(log()) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of {@code GET path}; {@code "HTTP <status>"} for any other status than 200, {@code null} when nobody answered. */
    public String get(String path) {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(30_000);
            int status = connection.getResponseCode();
            if (status != 200) {
                return "HTTP " + status;
            }
            try (InputStream body = connection.getInputStream()) {
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The live instances of {@code className} after a full collection ({@code jcmd GC.run}, then
     * {@code GC.class_histogram}, which collects again and counts only what is reachable).
     */
    public long liveInstances(String className) throws IOException, InterruptedException {
        jcmd("GC.run");
        String suffix = " " + className;
        return jcmd("GC.class_histogram").lines().map(String::trim).filter(line -> line.endsWith(suffix))
                .mapToLong(line -> Long.parseLong(line.split("\\s+")[1])).sum();
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Paths.javaLauncher().resolveSibling("jcmd").toString(),
                Long.toString(process.pid()), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + output);
        }
        return output;
    }

    /** Stops Tomcat by its PID (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
