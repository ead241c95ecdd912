package io.weft.agent.store;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed nodes of a Redis Cluster as {@code weft.redis.uri} gives them:
 * {@code redis://[user:password@]host:port[,host:port…]} ({@code rediss://} for TLS), one scheme and one
 * set of credentials for all, and no database (a cluster has only database 0). Each seed is parsed by
 * Lettuce's {@link RedisURI}; any one that answers is enough to learn the whole topology.
 */
final class ClusterSeeds {

    private ClusterSeeds() {
    }

    /** @throws IllegalArgumentException when {@code uri} is not of that form; the message holds no password */
    static List<RedisURI> parse(String uri) {
        int scheme = uri.indexOf("://");
        String schemeName = scheme < 0 ? "" : uri.substring(0, scheme);
        if (!schemeName.equals("redis") && !schemeName.equals("rediss")) {
            throw invalid(uri, "a cluster's seeds need the redis:// or rediss:// scheme");
        }
        int end = scheme + 3;
        while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
            end++;
        }
        String authority = uri.substring(scheme + 3, end);
        String rest = uri.substring(end);
        int at = authority.lastIndexOf('@');
        String credentials = authority.substring(0, at + 1);
        List<RedisURI> seeds = new ArrayList<>();
        for (String node : authority.substring(at + 1).split(",", -1)) {
            if (node.isBlank()) {
                throw invalid(uri, "an empty seed node");
            }
            RedisURI seed = RedisUris.parse(uri.substring(0, scheme + 3) + credentials + node.trim() + rest);
            if (seed.getDatabase() != 0) {
                throw invalid(uri, "a Redis Cluster has only database 0");
            }
            seeds.add(seed);
        }
        return seeds;
    }

    private static IllegalArgumentException invalid(String uri, String why) {
        return new IllegalArgumentException("weft.redis.uri: '" + RedisUris.redactUnparsed(uri) + "' does not name"
                + " the seed nodes of a Redis Cluster (" + why + "; expected redis://[user:password@]host:port[,host:port…])");
    }

    /** {@code redis://[user][:****]@host:port,host:port…}: the seeds without their password. */
    static String redact(List<RedisURI> seeds) {
        StringBuilder sb = new StringBuilder(RedisEndpoint.redact(seeds.get(0)));
        for (RedisURI seed : seeds.subList(1, seeds.size())) {
            sb.append(',').append(seed.getHost()).append(':').append(seed.getPort());
        }
        return sb.toString();
    }
}
