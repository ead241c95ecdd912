package io.weft.sample.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sample app in a child JVM on an ephemeral port, with or without the Weft agent. Its output
 * lines that start with {@code [weft]} are forwarded; closing it (or the driver's exit) ends it.
 */
final class ChildApp implements AutoCloseable {

    private static final String READY = "SAMPLE_APP_READY port=";
    private static final int READY_TIMEOUT_SECONDS = 60;
    private static final int KEPT_LINES = 40;

    private final Process process;
    private final Thread shutdownHook = new Thread(this::stop, "stop-sample-app");
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Deque<String> recentLines = new ArrayDeque<>();

    private ChildApp(Process process, PrintStream out) {
        this.process = process;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        Thread reader = new Thread(() -> readOutput(out), "sample-app-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java [-javaagent:agentJar] jvmOptions -Dsample.port=0 -jar appJar} with the
     * driver's own java binary; {@code agentJar} {@code null} runs the app without the agent.
     */
    static ChildApp start(Path appJar, Path agentJar, List<String> jvmOptions, PrintStream out) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (agentJar != null) {
            command.add("-javaagent:" + agentJar);
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dsample.port=0", "-jar", appJar.toString()));
        return new ChildApp(new ProcessBuilder(command).redirectErrorStream(true).start(), out);
    }

    long pid() {
        return process.pid();
    }

    /** The port, once the app said it is listening; fails if it did not within 60 s. */
    int awaitPort() throws InterruptedException {
        try {
            return port.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the sample app was not ready within " + READY_TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Waits until the app prints a line that matches (it must be among its recent lines); fails after 60 s. */
    void awaitLine(java.util.function.Predicate<String> matcher) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
        while (recentLines().stream().noneMatch(matcher)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("the sample app did not print the expected line; last lines: "
                        + recentLines());
            }
            Thread.sleep(20);
        }
    }

    /** The last lines the app printed (stdout and stderr), to explain a failure. */
    synchronized List<String> recentLines() {
        return List.copyOf(recentLines);
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void readOutput(PrintStream out) {
        try (BufferedReader lines = process.inputReader()) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                keep(line);
                if (line.startsWith("[weft]")) {
                    out.println(line);
                } else if (line.startsWith(READY)) {
                    port.complete(Integer.parseInt(line.substring(READY.length()).trim()));
                }
            }
        } catch (IOException | RuntimeException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IllegalStateException("the sample app exited before it was ready"));
    }

    private synchronized void keep(String line) {
        if (recentLines.size() == KEPT_LINES) {
            recentLines.removeFirst();
        }
        recentLines.addLast(line);
    }
}
