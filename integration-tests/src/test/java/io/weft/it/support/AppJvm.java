package io.weft.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An application started as a separate JVM, usually with {@code -javaagent:weft-agent.jar}. Its
 * standard output and error are collected line by line so tests can await and inspect them.
 */
public final class AppJvm implements AutoCloseable {

    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final String description;
    private final AtomicInteger requests = new AtomicInteger();
    private int openStreams = 2;
    private boolean stdoutOpen = true;

    private AppJvm(Process process, String description) {
        this.process = process;
        this.description = description;
        pump(process.getInputStream(), stdout, "out");
        pump(process.getErrorStream(), stderr, "err");
    }

    /** Starts building a JVM command. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds the command line of an application JVM. */
    public static final class Builder {
        private String agentArgs;
        private boolean agent = true;
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> optionsBeforeAgent = new ArrayList<>();
        private final List<String> classpath = new ArrayList<>();
        private final List<String> programArgs = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String main;
        private String mainModule;
        private Path jar;

        /** Agent arguments ({@code k=v;k=v}) appended to {@code -javaagent}. */
        public Builder agentArgs(String args) {
            this.agentArgs = args;
            return this;
        }

        /** Runs without the agent. */
        public Builder withoutAgent() {
            this.agent = false;
            return this;
        }

        public Builder property(String name, String value) {
            jvmOptions.add("-D" + name + "=" + value);
            return this;
        }

        /** Any other JVM option, e.g. {@code -XX:+EnableDynamicAgentLoading}. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /**
         * Lets a {@link Debugger} attach (JDWP on a loopback port of its choosing, printed on standard output; the JVM
         * runs without waiting for it).
         */
        public Builder debuggable() {
            return jvmOption("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0");
        }

        /** An option placed before Weft's {@code -javaagent}, e.g. another agent that must load first. */
        public Builder jvmOptionBeforeAgent(String option) {
            optionsBeforeAgent.add(option);
            return this;
        }

        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public Builder classpath(Path... entries) {
            for (Path entry : entries) {
                classpath.add(entry.toString());
            }
            return this;
        }

        public Builder main(String mainClass, String... args) {
            this.main = mainClass;
            programArgs.addAll(List.of(args));
            return this;
        }

        /**
         * Runs a named module ({@code -m module/class}); the {@link #classpath} entries become the module path
         * ({@code -p}).
         */
        public Builder module(String moduleAndClass, String... args) {
            this.mainModule = moduleAndClass;
            programArgs.addAll(List.of(args));
            return this;
        }

        public Builder jar(Path executableJar) {
            this.jar = executableJar;
            return this;
        }

        public AppJvm start() throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Paths.javaLauncher().toString());
            command.add("-Xshare:auto");
            command.addAll(optionsBeforeAgent);
            if (agent) {
                command.add("-javaagent:" + Paths.agentJar() + (agentArgs == null ? "" : "=" + agentArgs));
            }
            command.addAll(jvmOptions);
            if (jar != null) {
                command.add("-jar");
                command.add(jar.toString());
            } else if (mainModule != null) {
                command.add("-p");
                command.add(String.join(java.io.File.pathSeparator, classpath));
                command.add("-m");
                command.add(mainModule);
            } else {
                command.add("-cp");
                command.add(String.join(java.io.File.pathSeparator, classpath));
                command.add(main);
            }
            command.addAll(programArgs);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().keySet().removeIf(name -> name.startsWith("WEFT_"));
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new AppJvm(process, String.join(" ", command));
        }
    }

    private void pump(InputStream stream, List<String> sink, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (this) {
                        sink.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            synchronized (this) {
                openStreams--;
                stdoutOpen &= sink != stdout;
                notifyAll();
            }
        }, "app-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits for a line on standard output that matches, failing with the output so far on timeout. */
    public String awaitStdout(Predicate<String> matcher, Duration timeout) throws InterruptedException {
        return await(stdout, matcher, timeout);
    }

    /** Waits for a line on standard error (where the agent logs) that matches. */
    public String awaitStderr(Predicate<String> matcher, Duration timeout) throws InterruptedException {
        return await(stderr, matcher, timeout);
    }

    private String await(List<String> lines, Predicate<String> matcher, Duration timeout) throws InterruptedException {
        return await(lines, 0, matcher, timeout);
    }

    private synchronized String await(List<String> lines, int from, Predicate<String> matcher, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = from;
        while (true) {
            for (; seen < lines.size(); seen++) {
                if (matcher.test(lines.get(seen))) {
                    return lines.get(seen);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || openStreams == 0 || (lines == stdout && !stdoutOpen)) {
                fail("no matching line " + (left > 0 ? "before the JVM ended" : "within " + timeout) + " from "
                        + description + "\n" + transcript());
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    /** Waits for the JVM to exit and for its output to be read, and returns its status; fails on timeout. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("did not exit within " + timeout + ": " + description + "\n" + transcript());
        }
        synchronized (this) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (openStreams > 0 && System.nanoTime() < deadline) {
                wait(100);
            }
        }
        return process.exitValue();
    }

    /** Runs the JVM to completion, expecting status 0, and returns its {@code CHECK name=value} lines. */
    public Map<String, String> checks(Duration timeout) throws InterruptedException {
        int status = awaitExit(timeout);
        if (status != 0 || !stdout().contains("DONE")) {
            fail("exit status " + status + " from " + description + "\n" + transcript());
        }
        return checksSoFar();
    }

    /** The {@code CHECK name=value} lines printed so far. */
    public synchronized Map<String, String> checksSoFar() {
        Map<String, String> checks = new LinkedHashMap<>();
        for (String line : stdout) {
            if (line.startsWith("CHECK ")) {
                int eq = line.indexOf('=');
                checks.put(line.substring(6, eq), line.substring(eq + 1));
            }
        }
        return checks;
    }

    /**
     * Writes {@code request} as one line to the JVM's standard input (for applications driven line by line)
     * and returns the first line of standard output after it that starts with {@code reply}.
     */
    public String ask(String request, String reply, Duration timeout) throws IOException, InterruptedException {
        int seen;
        synchronized (this) {
            seen = stdout.size();
        }
        process.getOutputStream().write((request + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        return await(stdout, seen, line -> line.startsWith(reply), timeout);
    }

    /**
     * For applications that answer each line {@code <id> <request>} with a line {@code <id> <reply>}: sends
     * {@code request} under a new id and returns the reply.
     */
    public String call(String request, Duration timeout) {
        String id = "r" + requests.incrementAndGet() + " ";
        try {
            return ask(id + request, id, timeout).substring(id.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Closes the JVM's standard input: an application driven line by line then ends. */
    public void endInput() throws IOException {
        process.getOutputStream().close();
    }

    public synchronized List<String> stdout() {
        return new ArrayList<>(stdout);
    }

    public synchronized List<String> stderr() {
        return new ArrayList<>(stderr);
    }

    /** Everything the JVM printed so far, for failure messages. */
    public synchronized String transcript() {
        return "--- stdout\n" + String.join("\n", stdout) + "\n--- stderr\n" + String.join("\n", stderr);
    }

    public long pid() {
        return process.pid();
    }

    /** Kills the JVM at once, as {@code kill -9} does (no shutdown hooks run), and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
