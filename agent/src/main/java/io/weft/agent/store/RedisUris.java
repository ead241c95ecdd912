package io.weft.agent.store;

import io.lettuce.core.RedisURI;
import java.util.List;

/**
 * Reads {@code weft.redis.uri} with Lettuce's {@link RedisURI} parser, and nothing else: no client, thread or logger
 * is set up, so the agent can check the setting when it reads its settings, and {@link RedisEndpoint} connects to
 * what it reads. The parser's messages quote the whole URI: those of this class never show the password.
 */
public final class RedisUris {

    private RedisUris() {
    }

    /**
     * The server or Sentinel-managed master that {@code uri} names, or with {@code cluster} the seed nodes of a
     * Redis Cluster ({@link ClusterSeeds}).
     *
     * @throws IllegalArgumentException naming {@code weft.redis.uri} when {@code uri} is not of that form; the message
     *     holds no password
     */
    public static List<RedisURI> parse(String uri, boolean cluster) {
        requireEncodedUserInfo(uri);
        return cluster ? ClusterSeeds.parse(uri) : List.of(oneServer(uri));
    }

    /**
     * The one server (or Sentinel-managed master) that {@code uri} names. A list of seeds without
     * {@code weft.redis.cluster=true} is refused: the parser would read the whole list as one host name, which no
     * connection could ever reach.
     */
    private static RedisURI oneServer(String uri) {
        RedisURI parsed = parse(uri);
        if (parsed.getSentinels().isEmpty() && parsed.getHost() != null && parsed.getHost().indexOf(',') >= 0) {
            throw new IllegalArgumentException("weft.redis.uri: '" + redactUnparsed(uri) + "' names several hosts;"
                    + " set weft.redis.cluster=true for the seed nodes of a Redis Cluster, or write"
                    + " redis-sentinel://…#<master> for Sentinels");
        }
        return parsed;
    }

    /**
     * Refuses a user or password (before the last {@code @}) holding a character that ends a URI's authority
     * ({@code #}, {@code ?}, {@code /}) unencoded: the parser would read the rest as a fragment, a query or a path, and
     * take part of the password for the host, which the logs then show.
     */
    private static void requireEncodedUserInfo(String uri) {
        int start = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        for (int i = start < 0 ? 0 : start + 3; i < at; i++) {
            char c = uri.charAt(i);
            if (c == '#' || c == '?' || c == '/') {
                throw new IllegalArgumentException("weft.redis.uri: the user or password of '" + redactUnparsed(uri)
                        + "' holds a '" + c + "', which ends a URI's host part: write it percent-encoded ("
                        + String.format("%%%02X", (int) c) + ")");
            }
        }
    }

    static RedisURI parse(String uri) {
        try {
            return RedisURI.create(uri);
        } catch (RuntimeException e) {
            // The parser's message quotes the whole URI, password included: say what is wrong without it.
            throw new IllegalArgumentException("weft.redis.uri: '" + redactUnparsed(uri) + "' is not a Redis URI"
                    + " (expected redis://[user:password@]host:port/db, rediss://… or redis-sentinel://…)");
        }
    }

    /**
     * {@code uri} with everything between {@code ://} (or the start) and the last {@code @} masked: what the logs and
     * the operations views show of a URI as written. Plain string work, no parser.
     */
    public static String redactUnparsed(String uri) {
        int start = uri.indexOf("://");
        int from = start < 0 ? 0 : start + 3;
        int at = uri.lastIndexOf('@');
        return at >= from ? uri.substring(0, from) + "****" + uri.substring(at) : uri;
    }
}
