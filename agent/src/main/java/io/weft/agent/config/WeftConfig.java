package io.weft.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The agent's settings (SPEC §4), read once at start. Malformed values are collected as
 * {@link #problems()} and replaced by their defaults (a Redis URI, a JDBC URL or an event mapping that its
 * {@link SettingChecks} refuse is left out); unknown {@code weft.*} names are listed by
 * {@link #unknownNames()} so that typos do not pass silently, and values used as read that may not say what was meant
 * by {@link #warnings()}.
 */
public final class WeftConfig {

    private static final String PER_CACHE = "weft.cache.<name>";
    /** What precedes the event type in {@code weft.events.<type>}, and in its environment variables. */
    private static final String PER_EVENT = "weft.events.";
    private static final String PER_EVENT_ENV = "WEFT_EVENTS_";
    /** What follows the cache name in each per-cache setting: {@code .enabled}, {@code .ttl} … */
    private static final String[] PER_CACHE_SUFFIXES = perCacheSuffixes(false);
    /** The same as environment variables spell them: {@code _ENABLED}, {@code _TTL} … */
    private static final String[] PER_CACHE_ENV_SUFFIXES = perCacheSuffixes(true);

    /** A loop, not a stream: a lambda on the way to {@code premain}'s return would spin method handles (docs/design.md §1). */
    private static String[] perCacheSuffixes(boolean asEnvironmentVariables) {
        List<String> suffixes = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            if (setting.key().startsWith(PER_CACHE)) {
                String suffix = setting.key().substring(PER_CACHE.length());
                suffixes.add(asEnvironmentVariables ? ConfigSources.envName(suffix) : suffix);
            }
        }
        return suffixes.toArray(new String[0]);
    }

    private final ConfigSources sources;
    private final SettingChecks checks;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final boolean enabled;
    private final boolean strict;
    private final Duration ttl;
    private final Duration l1Ttl;
    private final Duration loadMaxWait;
    private final Duration leaseWait;
    private final boolean snakeCasePayloadNames;
    private final int l1MaxSize;
    private final String namespace;
    private final List<String> include;
    private final List<String> exclude;
    private final String logLevel;
    private final String redisUri;
    private final String storeUri;
    /** Whether {@code weft.redis.uri} or {@code weft.store.uri} is set but refused (a configuration error). */
    private final boolean sharedLevelRefused;
    private final String storeTable;
    private final Duration storeTimeout;
    private final Duration storeCleanup;
    private final Duration redisTimeout;
    private final int maxValueBytes;
    private final int compressMinBytes;
    private final boolean warm;
    private final int warmKeys;
    private final Duration warmInterval;
    private final long streamMaxLen;
    private final boolean redisCluster;
    private final int httpPort;
    private final String httpToken;
    private final Map<String, String> eventTemplates;

    /** Reads and checks every setting from {@code sources}, taking the Redis URI and event templates as written. */
    public WeftConfig(ConfigSources sources) {
        this(sources, SettingChecks.NONE);
    }

    /** Reads and checks every setting from {@code sources}, the Redis URI and event templates with {@code checks}. */
    public WeftConfig(ConfigSources sources, SettingChecks checks) {
        this.sources = sources;
        this.checks = checks;
        if (sources.fileProblem() != null) {
            problems.add(sources.fileProblem());
        }
        this.enabled = bool(Setting.ENABLED);
        this.strict = bool(Setting.STRICT);
        this.ttl = duration(Setting.TTL);
        this.l1Ttl = duration(Setting.L1_TTL);
        this.loadMaxWait = duration(Setting.LOAD_MAX_WAIT);
        this.leaseWait = duration(Setting.LEASE_WAIT);
        this.snakeCasePayloadNames = snakeCasePayloadNames(string(Setting.EVENT_PAYLOAD_NAMES));
        this.l1MaxSize = intAtLeast(Setting.L1_MAX_SIZE, 0);
        this.namespace = string(Setting.NAMESPACE);
        this.include = packages(Setting.INCLUDE);
        this.exclude = packages(Setting.EXCLUDE);
        this.logLevel = string(Setting.LOG_LEVEL);
        this.redisCluster = bool(Setting.REDIS_CLUSTER);
        String redisSetting = string(Setting.REDIS_URI);
        String storeSetting = string(Setting.STORE_URI);
        String redis = redisUri(redisSetting);
        String store = storeUri(storeSetting);
        if (redis != null && store != null) {
            problems.add(Setting.REDIS_URI.key() + " and " + Setting.STORE_URI.key() + " are both set: the shared level"
                    + " is either Redis or the database, choose one; neither is used, caching is L1 only");
            redis = null;
            store = null;
        }
        this.redisUri = redis;
        this.storeUri = store;
        this.sharedLevelRefused = redis == null && store == null && !(redisSetting.isEmpty() && storeSetting.isEmpty());
        this.storeTable = storeTable(string(Setting.STORE_TABLE));
        this.storeTimeout = duration(Setting.STORE_TIMEOUT);
        this.storeCleanup = duration(Setting.STORE_CLEANUP);
        this.redisTimeout = duration(Setting.REDIS_TIMEOUT);
        this.maxValueBytes = intAtLeast(Setting.REDIS_MAX_VALUE_BYTES, 1);
        this.compressMinBytes = intAtLeast(Setting.REDIS_COMPRESS_MIN_BYTES, 0);
        this.warm = bool(Setting.WARM);
        if (warm && store != null) {
            problems.add(Setting.WARM.key() + " keeps its record of the most-hit keys in Redis: with "
                    + Setting.STORE_URI.key() + " no keys are recorded and no instance is filled at its start");
        }
        this.warmKeys = intAtLeast(Setting.WARM_KEYS, 1);
        this.warmInterval = duration(Setting.WARM_INTERVAL);
        this.streamMaxLen = intAtLeast(Setting.STREAM_MAXLEN, 1);
        this.httpPort = port(Setting.HTTP_PORT);
        String token = string(Setting.HTTP_TOKEN);
        this.httpToken = token.isEmpty() ? null : token;
        this.eventTemplates = usable(readEventTemplates());
    }

    private boolean snakeCasePayloadNames(String value) {
        if (!value.equals("declared") && !value.equals("snake_case")) {
            problems.add(Setting.EVENT_PAYLOAD_NAMES.key() + ": '" + value + "' is not declared or snake_case; using declared");
        }
        return value.equals("snake_case");
    }

    /** Whether events name scalar arguments in {@code snake_case} ({@code weft.events.payloadNames}). */
    public boolean snakeCasePayloadNames() {
        return snakeCasePayloadNames;
    }

    /**
     * The URI, or {@code null} when unset, without a scheme or refused by the checks (reported; the value is not
     * echoed: it may hold a password).
     */
    private String redisUri(String uri) {
        if (uri.isEmpty()) {
            return null;
        }
        String problem = uri.contains("://") ? checks.redisUriProblem(uri, redisCluster)
                : Setting.REDIS_URI.key() + " has no scheme: write it as redis://host:port (or rediss://, redis-sentinel://)";
        if (problem != null) {
            problems.add(problem + "; Redis is not used, caching is L1 only");
            return null;
        }
        return uri;
    }

    /**
     * The JDBC URL, or {@code null} when unset, not PostgreSQL's or refused by the checks (reported; not echoed: it
     * may hold a password).
     */
    private String storeUri(String uri) {
        if (uri.isEmpty()) {
            return null;
        }
        String problem = uri.startsWith("jdbc:postgresql://") ? checks.storeUriProblem(uri)
                : Setting.STORE_URI.key() + " is not a PostgreSQL JDBC URL: write it as jdbc:postgresql://host:port/db?user=…";
        if (problem != null) {
            problems.add(problem + "; the database is not used, caching is L1 only");
            return null;
        }
        return uri;
    }

    /** Longest table name: PostgreSQL's identifiers have 63 bytes, and {@code _events} is appended to it. */
    static final int MAX_TABLE_NAME = 55;

    private String storeTable(String table) {
        String name = table.substring(table.indexOf('.') + 1);
        if (table.matches("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*") && name.length() <= MAX_TABLE_NAME) {
            return table;
        }
        String fallback = Setting.STORE_TABLE.defaultValue();
        problems.add(Setting.STORE_TABLE.key() + ": '" + table + "' is not [schema.]name of letters, digits and _ (at"
                + " most " + MAX_TABLE_NAME + " in the name); using " + fallback);
        return fallback;
    }

    /** Reads the live JVM, the Redis URI and event templates with {@code checks}. */
    public static WeftConfig fromJvm(String agentArgs, SettingChecks checks) {
        return new WeftConfig(ConfigSources.fromJvm(agentArgs), checks);
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean strict() {
        return strict;
    }

    /** The default TTL ({@code weft.ttl}). */
    public Duration ttl() {
        return ttl;
    }

    /** The upper bound of an L1 entry's life ({@code weft.l1.ttl}). */
    public Duration l1Ttl() {
        return l1Ttl;
    }

    /** The longest a caller waits for another caller's load of the same key ({@code weft.load.maxWait}). */
    public Duration loadMaxWait() {
        return loadMaxWait;
    }

    /** The longest a miss waits for another instance's load of the same key ({@code weft.lease.wait}). */
    public Duration leaseWait() {
        return leaseWait;
    }

    /** The L1's bound in entries ({@code weft.l1.maxSize}); {@code 0}: no L1, every call goes to L2. */
    public int l1MaxSize() {
        return l1MaxSize;
    }

    public String namespace() {
        return namespace;
    }

    /** Package prefixes to weave; empty means all. */
    public List<String> include() {
        return include;
    }

    /** Package prefixes never to weave. */
    public List<String> exclude() {
        return exclude;
    }

    public String logLevel() {
        return logLevel;
    }

    /** {@code weft.redis.uri}, or {@code null} when unset or refused (L1 only). */
    public String redisUri() {
        return redisUri;
    }

    /**
     * Whether there is no shared level although {@code weft.redis.uri} or {@code weft.store.uri} is set: a configuration
     * error refused it (a URI that does not parse, or both set).
     */
    public boolean sharedLevelRefused() {
        return sharedLevelRefused;
    }

    /** {@code weft.store.uri}: the PostgreSQL JDBC URL of the shared level, or {@code null} when unset (or unusable). */
    public String storeUri() {
        return storeUri;
    }

    /** {@code weft.store.table}: the entries table, {@code [schema.]name}. */
    public String storeTable() {
        return storeTable;
    }

    /** {@code weft.store.timeout}: the bound on a database call on a caller's path. */
    public Duration storeTimeout() {
        return storeTimeout;
    }

    /** {@code weft.store.cleanup}: how often expired rows are deleted. */
    public Duration storeCleanup() {
        return storeCleanup;
    }

    /** {@code weft.redis.cluster}: {@code weft.redis.uri} names seed nodes of a Redis Cluster. */
    public boolean redisCluster() {
        return redisCluster;
    }

    /** The bound on a Redis command on a caller's path ({@code weft.redis.timeout}). */
    public Duration redisTimeout() {
        return redisTimeout;
    }

    /** Whether instances record their most-hit keys in Redis and fill their L1 from them at start ({@code weft.warm}). */
    public boolean warm() {
        return warm;
    }

    /** The most-hit keys recorded, and filled at a warm start, per cache ({@code weft.warm.keys}). */
    public int warmKeys() {
        return warmKeys;
    }

    /** How often the most-hit keys are recorded ({@code weft.warm.interval}). */
    public Duration warmInterval() {
        return warmInterval;
    }

    /** Values whose JSON is at least this large are stored gzip-compressed ({@code weft.redis.compress.minBytes}); 0: none. */
    public int compressMinBytes() {
        return compressMinBytes;
    }

    /** Values whose JSON is larger are not stored in Redis ({@code weft.redis.maxValueBytes}, 1 MiB). */
    public int maxValueBytes() {
        return maxValueBytes;
    }

    /** The approximate length bound of each event stream ({@code weft.stream.maxlen}). */
    public long streamMaxLen() {
        return streamMaxLen;
    }

    /**
     * {@code weft.http.port}: the loopback port of the operations server (metrics, health, switches), 0 for
     * any free port, or -1 when unset or malformed (no server).
     */
    public int httpPort() {
        return httpPort;
    }

    /** {@code weft.http.token}: the bearer token of management calls, or {@code null} when unset (they are refused). */
    public String httpToken() {
        return httpToken;
    }

    /** {@code weft.events.<type>}: key templates (comma-separated) by event type; those the checks refuse left out. */
    public Map<String, String> eventTemplates() {
        return eventTemplates;
    }

    /**
     * The {@code weft.events.<type>} settings, each from the first source that sets it. An environment variable's
     * name loses the type's punctuation and case: it sets the type that a property or the file names
     * ({@code WEFT_EVENTS_BOOK_UPDATED} sets {@code weft.events.book_updated} when the file has that entry), and
     * otherwise names a type in lower case with each {@code _} read as {@code .} ({@code book.updated}).
     */
    private Map<String, String> readEventTemplates() {
        Map<String, String> templates = new TreeMap<>();
        Set<String> carriers = new HashSet<>();
        for (String name : sources.propertyNames()) {
            if (perEvent(name)) {
                templates.put(name.substring(PER_EVENT.length()), sources.get(name));
                carriers.add(ConfigSources.envName(name));
            }
        }
        for (String variable : sources.environmentNames()) {
            if (shaped(variable, PER_EVENT_ENV, "") && !carriers.contains(variable) && !knownAsEnvironment(variable)) {
                String type = variable.substring(PER_EVENT_ENV.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                String value = sources.get(PER_EVENT + type);
                if (value != null) {
                    templates.put(type, value);
                }
            }
        }
        return templates;
    }

    /** The mappings that the checks accept; any other is a problem, and only that type's events evict nothing. */
    private Map<String, String> usable(Map<String, String> templates) {
        Map<String, String> usable = new TreeMap<>();
        for (Map.Entry<String, String> mapping : templates.entrySet()) {
            String problem = checks.eventTemplatesProblem(mapping.getKey(), mapping.getValue());
            if (problem == null) {
                usable.put(mapping.getKey(), mapping.getValue());
                String warning = checks.eventTemplatesWarning(mapping.getKey(), mapping.getValue());
                if (warning != null) {
                    warnings.add(warning);
                }
            } else {
                problems.add(problem + "; events of type " + mapping.getKey() + " from other services evict nothing");
            }
        }
        return Collections.unmodifiableMap(usable);
    }

    /**
     * {@code weft.cache.<name>.enabled}.
     *
     * @throws IllegalArgumentException when the value is neither true nor false
     */
    public boolean cacheEnabled(String cacheName) {
        return cacheBool(Setting.CACHE_ENABLED, cacheName);
    }

    /**
     * {@code weft.cache.<name>.l1}: whether the cache keeps entries in L1.
     *
     * @throws IllegalArgumentException when the value is neither true nor false
     */
    public boolean cacheUsesL1(String cacheName) {
        return cacheBool(Setting.CACHE_L1, cacheName);
    }

    /**
     * {@code weft.cache.<name>.sliding}, or {@code null} when unset (the annotation says).
     *
     * @throws IllegalArgumentException when the value is neither true nor false
     */
    public Boolean cacheSliding(String cacheName) {
        return cacheBoolOrNull(Setting.CACHE_SLIDING, cacheName);
    }

    private boolean cacheBool(Setting setting, String cacheName) {
        Boolean value = cacheBoolOrNull(setting, cacheName);
        return value == null ? Boolean.parseBoolean(setting.defaultValue()) : value;
    }

    private Boolean cacheBoolOrNull(Setting setting, String cacheName) {
        String name = perCache(setting, cacheName);
        String value = sources.get(name);
        if (value == null) {
            return null;
        }
        String normalized = value.trim().toLowerCase(Locale.ROOT);
        if (!normalized.equals("true") && !normalized.equals("false")) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not true or false");
        }
        return normalized.equals("true");
    }

    /** The property name of a per-cache setting for {@code cacheName}. */
    private static String perCache(Setting setting, String cacheName) {
        return setting.key().replace("<name>", cacheName);
    }

    /**
     * {@code weft.cache.<name>.ttl}, or {@code null} when unset.
     *
     * @throws IllegalArgumentException when the value is not a duration
     */
    public Duration cacheTtl(String cacheName) {
        return cacheDuration(Setting.CACHE_TTL, cacheName);
    }

    /**
     * {@code weft.cache.<name>.refreshAfter}, or {@code null} when unset.
     *
     * @throws IllegalArgumentException when the value is not a duration
     */
    public Duration cacheRefreshAfter(String cacheName) {
        return cacheDuration(Setting.CACHE_REFRESH_AFTER, cacheName);
    }

    /**
     * {@code weft.cache.<name>.staleIfError}, or {@code null} when unset.
     *
     * @throws IllegalArgumentException when the value is not a duration
     */
    public Duration cacheStaleIfError(String cacheName) {
        return cacheDuration(Setting.CACHE_STALE_IF_ERROR, cacheName);
    }

    private Duration cacheDuration(Setting setting, String cacheName) {
        String name = perCache(setting, cacheName);
        String value = sources.get(name);
        try {
            return value == null ? null : Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cache names that {@code weft.cache.<name>.*} system properties and file entries name (environment
     * variables cannot say which: their names lose the cache name's punctuation), by property name.
     */
    public Map<String, String> cacheNamesInSettings() {
        Map<String, String> names = new TreeMap<>();
        for (String property : sources.propertyNames()) {
            for (String suffix : PER_CACHE_SUFFIXES) {
                if (shaped(property, "weft.cache.", suffix)) {
                    names.put(property, property.substring("weft.cache.".length(), property.length() - suffix.length()));
                }
            }
        }
        return names;
    }

    /** Malformed settings found so far, each naming the property and the default used instead. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** Settings that are used as read but may not say what was meant, each naming the setting and the plain spelling. */
    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    /** {@code weft.*} properties and {@code WEFT_*} variables that name no setting. */
    public List<String> unknownNames() {
        List<String> unknown = new ArrayList<>();
        for (String name : sources.propertyNames()) {
            if (Setting.named(name) == null && !shaped(name, "weft.cache.", PER_CACHE_SUFFIXES) && !perEvent(name)) {
                unknown.add(name);
            }
        }
        for (String name : sources.environmentNames()) {
            if (!shaped(name, "WEFT_CACHE_", PER_CACHE_ENV_SUFFIXES) && !shaped(name, PER_EVENT_ENV, "")
                    && !knownAsEnvironment(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    private static boolean perEvent(String name) {
        return shaped(name, PER_EVENT, "") && !name.equals(Setting.EVENT_PAYLOAD_NAMES.key());
    }

    /** Whether {@code name} is {@code prefix}, at least one character, then one of {@code suffixes}. */
    private static boolean shaped(String name, String prefix, String... suffixes) {
        for (String suffix : suffixes) {
            if (name.length() > prefix.length() + suffix.length() && name.startsWith(prefix) && name.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean knownAsEnvironment(String name) {
        for (Setting known : Setting.values()) {
            if (!known.isPattern() && ConfigSources.envName(known.key()).equals(name)) {
                return true;
            }
        }
        return false;
    }

    private String string(Setting setting) {
        String value = sources.get(setting.key());
        return value == null ? (setting.defaultValue() == null ? "" : setting.defaultValue()) : value.trim();
    }

    private boolean bool(Setting setting) {
        String name = setting.key();
        String value = sources.get(name);
        boolean fallback = Boolean.parseBoolean(setting.defaultValue());
        if (value == null) {
            return fallback;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                problems.add(name + ": '" + value + "' is not true or false; using " + fallback);
                return fallback;
        }
    }

    private Duration duration(Setting setting) {
        String name = setting.key();
        String value = sources.get(name);
        Duration fallback = Durations.parse(setting.defaultValue());
        if (value == null) {
            return fallback;
        }
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            problems.add(name + ": " + e.getMessage() + "; using " + Durations.format(fallback));
            return fallback;
        }
    }

    /** The integer setting if it is at least {@code min}; otherwise a problem and the default. */
    private int intAtLeast(Setting setting, int min) {
        String name = setting.key();
        int fallback = Integer.parseInt(setting.defaultValue());
        String value = sources.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(name + ": '" + value + "' is not " + (min == 1 ? "a positive integer" : "an integer >= " + min)
                + "; using " + fallback);
        return fallback;
    }

    private int port(Setting setting) {
        String name = setting.key();
        String value = sources.get(name);
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 0 && parsed <= 65535) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(name + ": '" + value + "' is not a port (0-65535); the operations server is off");
        return -1;
    }

    private List<String> packages(Setting setting) {
        String value = sources.get(setting.key());
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> prefixes = new ArrayList<>();
        for (String part : Arrays.asList(value.split(","))) {
            String prefix = part.trim();
            if (!prefix.isEmpty()) {
                prefixes.add(prefix);
            }
        }
        return List.copyOf(prefixes);
    }
}
