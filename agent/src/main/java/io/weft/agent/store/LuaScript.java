package io.weft.agent.store;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}), sent in full ({@code EVAL}) when Redis does not know it yet, or
 * always ({@link #runInFull}).
 */
final class LuaScript {

    private final String text;
    private final String sha;

    LuaScript(String text) {
        this.text = text;
        this.sha = sha1(text);
    }

    private static String sha1(String text) {
        try {
            StringBuilder hex = new StringBuilder(40);
            for (byte b : MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8))) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, byte[]> redis, ScriptOutputType type, String[] keys,
            byte[]... args) {
        CompletableFuture<T> bySha = redis.<T>evalsha(sha, type, keys, args).toCompletableFuture();
        return bySha.handle((result, failure) -> {
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof RedisNoScriptException) {
                return this.<T>runInFull(redis, type, keys, args);
            }
            return bySha;
        }).thenCompose(next -> next);
    }

    /**
     * Runs the script sent in full ({@code EVAL}), for a command that must not depend on Redis knowing it: the retry
     * of {@link #run} after {@code NOSCRIPT} is sent only once that reply came, behind later commands, and never when
     * the command timed out first (a stall of Redis).
     */
    <T> CompletableFuture<T> runInFull(RedisClusterAsyncCommands<String, byte[]> redis, ScriptOutputType type,
            String[] keys, byte[]... args) {
        return redis.<T>eval(text, type, keys, args).toCompletableFuture();
    }
}
