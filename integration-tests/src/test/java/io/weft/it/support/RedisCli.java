package io.weft.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.testing.RedisFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code redis-cli} against a {@link RedisFixture}, as an operator or another service would. */
public final class RedisCli {

    private RedisCli() {
    }

    /** Runs one command and returns its raw output, failing when redis-cli does. */
    public static String run(RedisFixture redis, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", redis.host(), "-p", String.valueOf(redis.port())));
        cmd.addAll(List.of(command));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), "redis-cli " + cmd + ": " + output);
        return output.trim();
    }
}
