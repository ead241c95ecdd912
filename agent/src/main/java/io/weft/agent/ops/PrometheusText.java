package io.weft.agent.ops;

import io.weft.agent.metrics.LoadTimes;
import io.weft.agent.metrics.RefreshOutcome;
import io.weft.agent.ops.Snapshot.CacheView;
import io.weft.agent.ops.Snapshot.RedisView;
import io.weft.agent.ops.Snapshot.StoreView;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Renders a {@link Snapshot} in the Prometheus text exposition format 0.0.4: one {@code # HELP} and one
 * {@code # TYPE} line per family, then its samples; counters end in {@code _total}; label values are
 * escaped. A family without samples (no caches yet, no Redis configured) is left out.
 */
public final class PrometheusText {

    /** The {@code Content-Type} of the rendered text. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * Bucket bounds of the load-time histogram, as indexes of {@link LoadTimes} buckets (bound 2^(10+i) ns):
     * every other power of two from 2 µs to 34 s, so 13 buckets and +Inf.
     */
    private static final int[] HISTOGRAM_BUCKETS = {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25};

    /** The {@code le} label of each bucket bound, in seconds, as plain decimals ({@code 0.000002048}). */
    private static final String[] LE = new String[LoadTimes.buckets()];

    static {
        for (int i = 0; i < LE.length; i++) {
            LE[i] = BigDecimal.valueOf(LoadTimes.upperBoundNanos(i)).movePointLeft(9).stripTrailingZeros().toPlainString();
        }
    }

    private final StringBuilder out = new StringBuilder(4096);

    private PrometheusText() {
    }

    /** The whole exposition for {@code snapshot}. */
    public static String render(Snapshot s) {
        PrometheusText p = new PrometheusText();
        p.family("weft_info", "gauge", "The Weft agent: its version and the Java feature release it runs on (always 1).");
        p.sample("weft_info", labels("version", s.version, "java", String.valueOf(s.javaFeature)), 1);
        p.family("weft_agent_enabled", "gauge", "1 while the agent's runtime switch is on, 0 while every cache is switched off.");
        p.sample("weft_agent_enabled", "", s.agentEnabled ? 1 : 0);
        p.family("weft_woven_methods", "gauge", "Methods woven so far (@CacheResult and @InvalidateCache).");
        p.sample("weft_woven_methods", "", s.wovenMethods);
        p.family("weft_l1_size", "gauge", "Entries in this JVM's L1 (Caffeine), all caches together (estimate).");
        p.sample("weft_l1_size", "", s.l1Size);
        p.family("weft_l1_tag_index_entries", "gauge",
                "Mappings in the L1's tag index: each tagged entry once per tag it carries.");
        p.sample("weft_l1_tag_index_entries", "", s.l1TagIndexMappings);
        p.family("weft_l1_max_size", "gauge", "The L1's bound in entries (weft.l1.maxSize).");
        p.sample("weft_l1_max_size", "", s.l1MaxSize);
        p.family("weft_invalidations_sent_total", "counter",
                "Invalidations this JVM made (@InvalidateCache calls; each is one event published when Redis is configured).");
        p.sample("weft_invalidations_sent_total", "", s.invalidationsSent);
        p.family("weft_invalidations_received_total", "counter",
                "Invalidation events from other instances or services that this JVM applied to its L1.");
        p.sample("weft_invalidations_received_total", "", s.invalidationsReceived);
        p.family("weft_invalidations_replayed_total", "counter",
                "Invalidations sent to Redis again (deletes and events) after a failover, because the old master may not"
                + " have passed them on.");
        p.sample("weft_invalidations_replayed_total", "", s.invalidationsReplayed);
        p.family("weft_cache_tag_invalidations_total", "counter", "Tags whose entries were evicted, by origin: sent (an"
                + " @InvalidateCache(tags) of this JVM) or received (an event from another instance or service).");
        p.sample("weft_cache_tag_invalidations_total", labels("origin", "sent"), s.tagInvalidationsSent);
        p.sample("weft_cache_tag_invalidations_total", labels("origin", "received"), s.tagInvalidationsReceived);
        p.caches(s.caches);
        if (s.redis != null) {
            p.redis(s.redis);
        }
        if (s.store != null) {
            p.store(s.store);
        }
        return p.out.toString();
    }

    private void caches(List<CacheView> caches) {
        if (caches.isEmpty()) {
            return;
        }
        family("weft_cache_enabled", "gauge", "1 while the cache is active (its switch and the agent's are on), else 0.");
        for (CacheView c : caches) {
            sample("weft_cache_enabled", labels("cache", c.name), c.active ? 1 : 0);
        }
        family("weft_cache_hits_total", "counter", "Lookups answered from the cache, by level: l1 (this JVM) or l2 (Redis).");
        for (CacheView c : caches) {
            sample("weft_cache_hits_total", labels("cache", c.name, "level", "l1"), c.l1Hits);
            sample("weft_cache_hits_total", labels("cache", c.name, "level", "l2"), c.l2Hits);
        }
        counter(caches, "weft_cache_misses_total", "Lookups found in neither level: the method body ran to load the value.",
                c -> c.misses);
        family("weft_cache_load_seconds", "histogram", "Time the method body took on a miss, for loads that returned a value.");
        for (CacheView c : caches) {
            long cumulative = 0;
            int next = 0;
            for (int bound : HISTOGRAM_BUCKETS) {
                for (; next <= bound; next++) {
                    cumulative += c.loadBuckets[next];
                }
                sample("weft_cache_load_seconds_bucket", labels("cache", c.name, "le", LE[bound]), cumulative);
            }
            sample("weft_cache_load_seconds_bucket", labels("cache", c.name, "le", "+Inf"), c.loads);
            sample("weft_cache_load_seconds_sum", labels("cache", c.name), c.loadNanosTotal / 1e9);
            sample("weft_cache_load_seconds_count", labels("cache", c.name), c.loads);
        }
        counter(caches, "weft_cache_load_failures_total", "Loads whose method threw or whose future failed (never cached).",
                c -> c.loadFailures);
        counter(caches, "weft_cache_evictions_total", "Entries removed from the L1, by cause: size (the bound),"
                + " expired (TTL) or invalidated (@InvalidateCache here or an event from another instance).", "cause",
                List.of("size", "expired", "invalidated"), c -> c.evictedBySize, c -> c.expired, c -> c.invalidated);
        counter(caches, "weft_cache_invalidations_total", "Entries removed from the L1 by invalidations, by origin: sent"
                + " (this instance's @InvalidateCache, whose event it sends) or received (an event of another instance or"
                + " service).", "origin", List.of("sent", "received"), c -> c.invalidatedBySent,
                c -> c.invalidatedByReceived);
        gauge(caches, "weft_cache_l1_entries", "Entries of this cache in the L1.", c -> c.l1Entries);
        counter(caches, "weft_cache_l2_unreadable_total",
                "Values in Redis that could not be read back as the method's type (deleted, counted as misses).",
                c -> c.l2Unreadable);
        counter(caches, "weft_cache_l2_not_stored_total",
                "Loaded values not written to Redis: larger than weft.redis.maxValueBytes or not serializable.",
                c -> c.l2NotStored);
        counter(caches, "weft_cache_l2_compressed_total",
                "Values written to the shared level gzip-compressed (weft.redis.compress.minBytes).", c -> c.compressed);
        counter(caches, "weft_cache_l2_compressed_bytes_saved_total",
                "Bytes that compression saved on the values written to the shared level (JSON size minus stored size).",
                c -> c.compressionSaved);
        counter(caches, "weft_cache_stale_stores_discarded_total",
                "Loaded values not kept because an invalidation of their key overlapped the load (the stale-set race).",
                c -> c.staleStoresDiscarded);
        counter(caches, "weft_cache_load_wait_timeouts_total",
                "Callers that stopped waiting for another caller's load of the same key once it had run weft.load.maxWait, and ran the method themselves.",
                c -> c.loadWaitTimeouts);
        counter(caches, "weft_cache_lease_waits_total",
                "Misses that waited (weft.lease.wait) for another instance loading the same key instead of running the method.",
                c -> c.leaseWaits);
        counter(caches, "weft_cache_lease_wait_timeouts_total",
                "Lease waits that ended without the other instance's value: the method ran here.",
                c -> c.leaseWaitTimeouts);
        counter(caches, "weft_cache_stale_served_total",
                "Calls whose method failed and that returned an entry past its TTL instead (staleIfError).",
                c -> c.staleServed);
        counter(caches, "weft_cache_warmed_total",
                "Entries a warm start (weft.warm) read from Redis into the L1 without calling the method.",
                c -> c.warmed);
        counter(caches, "weft_cache_batch_calls_total", "Calls of batch methods (a key with [*]).", c -> c.batchCalls);
        counter(caches, "weft_cache_batch_elements_total", "Distinct elements of batch calls, by outcome: l1, l2 (found"
                + " in Redis), joined (another call was loading it) or loaded (passed to the method).", "outcome",
                List.of("l1", "l2", "joined", "loaded"), c -> c.batchL1Elements, c -> c.batchL2Elements,
                c -> c.batchJoinedElements, c -> c.batchLoadedElements);
        family("weft_cache_refreshes_total", "counter", "Background reloads of entries older than refreshAfter, by"
                + " outcome: started (the method ran under the key's lease), succeeded, failed, or dropped (the reload"
                + " queue was full).");
        for (CacheView c : caches) {
            for (RefreshOutcome outcome : RefreshOutcome.values()) {
                sample("weft_cache_refreshes_total", labels("cache", c.name, "outcome", outcome.label()),
                        c.refreshes[outcome.ordinal()]);
            }
        }
    }

    private void redis(RedisView r) {
        family("weft_redis_up", "gauge",
                "1 while Redis answers (the event reader's last read succeeded and the circuit breaker is closed)"
                + " and accepts Weft's commands (no error reply such as OOM, NOAUTH or CROSSSLOT in the last minute), else 0.");
        sample("weft_redis_up", "", r.up() ? 1 : 0);
        family("weft_redis_breaker_state", "gauge",
                "The L2 circuit breaker: 1 for its current state (closed: calls go through; open: refused; half_open: probing).");
        for (String state : new String[] {"CLOSED", "OPEN", "HALF_OPEN"}) {
            sample("weft_redis_breaker_state", labels("state", state.toLowerCase(java.util.Locale.ROOT)),
                    state.equals(r.breakerState) ? 1 : 0);
        }
        family("weft_redis_failures_total", "counter", "Redis calls of the L2 that failed or timed out.");
        sample("weft_redis_failures_total", "", r.failures);
        family("weft_redis_errors_total", "counter", "Failed Redis calls of the L2, the event publisher and the event"
                + " reader, and reconnections Redis refused, by reason: an error reply's code (oom, noauth, noperm, readonly,"
                + " unavailable, crossslot, moved, script, other) or no reply (timeout, connection).");
        for (Map.Entry<String, Long> reason : r.errors.entrySet()) {
            sample("weft_redis_errors_total", labels("reason", reason.getKey()), reason.getValue());
        }
        family("weft_redis_rejections_total", "counter", "L2 calls skipped without touching Redis while the breaker was open.");
        sample("weft_redis_rejections_total", "", r.rejections);
        family("weft_redis_failovers_total", "counter",
                "Times the Redis master changed (a Sentinel or Cluster failover, or a restarted server).");
        sample("weft_redis_failovers_total", "", r.failovers);
        family("weft_events_reader_up", "gauge", "1 while the event reader's last read of the streams succeeded.");
        sample("weft_events_reader_up", "", r.readerUp ? 1 : 0);
        family("weft_events_lag_seconds", "gauge", "Age of the last event from another source when this JVM applied it"
                + " (how late remote invalidations arrive; 0 before the first).");
        sample("weft_events_lag_seconds", "", r.lagMillis / 1e3);
        family("weft_events_applied_total", "counter", "Events from other instances or services that evicted something here.");
        sample("weft_events_applied_total", "", r.eventsApplied);
        family("weft_events_malformed_total", "counter", "Stream entries skipped because they were not valid events.");
        sample("weft_events_malformed_total", "", r.malformedEntries);
        family("weft_events_gap_clears_total", "counter",
                "Times the L1 was cleared because a stream was trimmed past the last entry read, lost, or lost that entry"
                + " (a failover).");
        sample("weft_events_gap_clears_total", "", r.gapClears);
        family("weft_events_read_failures_total", "counter", "Failed reads of the event streams (each retried).");
        sample("weft_events_read_failures_total", "", r.readFailures);
        family("weft_events_published_total", "counter", "Invalidation events this JVM appended to the streams.");
        sample("weft_events_published_total", "", r.published);
        family("weft_events_publish_pending", "gauge", "Events waiting to be published (kept while Redis is unreachable).");
        sample("weft_events_publish_pending", "", r.publishPending);
        family("weft_events_publish_failures_total", "counter", "Attempts to publish events that failed (retried).");
        sample("weft_events_publish_failures_total", "", r.publishFailures);
        family("weft_events_publish_overflows_total", "counter",
                "Times the pending events overflowed their bound and a clear-all event replaced them.");
        sample("weft_events_publish_overflows_total", "", r.publishOverflows);
    }

    private void store(StoreView t) {
        family("weft_store_entries", "gauge", "Rows in the PostgreSQL entries table as of the last cleanup (the planner's"
                + " estimate; -1 before it was read).");
        sample("weft_store_entries", "", t.entries);
        family("weft_store_bytes", "gauge", "Size of the PostgreSQL entries table with its indexes as of the last cleanup"
                + " (-1 before it was read).");
        sample("weft_store_bytes", "", t.bytes);
        family("weft_store_expired_deleted_total", "counter", "Expired entries deleted from the table by cleanups.");
        sample("weft_store_expired_deleted_total", "", t.expiredDeleted);
        family("weft_store_cleanups_total", "counter", "Cleanups of expired rows run to the end.");
        sample("weft_store_cleanups_total", "", t.cleanups);
        family("weft_store_writes_dropped_total", "counter", "Stores, lease releases and sliding renewals not sent to"
                + " the database: 32 MiB of them were waiting already, or one waited longer than a lease (30 s).");
        sample("weft_store_writes_dropped_total", "", t.writesDropped);
    }

    private void counter(List<CacheView> caches, String name, String help, ToLongFunction<CacheView> value) {
        family(name, "counter", help);
        for (CacheView c : caches) {
            sample(name, labels("cache", c.name), value.applyAsLong(c));
        }
    }

    /** A counter per cache and per value of one more label, read by the function at the value's position. */
    @SafeVarargs
    private void counter(List<CacheView> caches, String name, String help, String label, List<String> values,
            ToLongFunction<CacheView>... counts) {
        family(name, "counter", help);
        for (CacheView c : caches) {
            for (int i = 0; i < values.size(); i++) {
                sample(name, labels("cache", c.name, label, values.get(i)), counts[i].applyAsLong(c));
            }
        }
    }

    private void gauge(List<CacheView> caches, String name, String help, ToLongFunction<CacheView> value) {
        family(name, "gauge", help);
        for (CacheView c : caches) {
            sample(name, labels("cache", c.name), value.applyAsLong(c));
        }
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char ch = help.charAt(i);
            if (ch == '\\') {
                out.append("\\\\");
            } else if (ch == '\n') {
                out.append("\\n");
            } else {
                out.append(ch);
            }
        }
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String labels, long value) {
        out.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private void sample(String name, String labels, double value) {
        out.append(name).append(labels).append(' ').append(number(value)).append('\n');
    }

    /** {@code {a="x",b="y"}} from name, value pairs, the values escaped as the format requires. */
    static String labels(String... pairs) {
        StringBuilder sb = new StringBuilder().append('{');
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(pairs[i]).append("=\"").append(escapeLabelValue(pairs[i + 1])).append('"');
        }
        return sb.append('}').toString();
    }

    /** A label value with {@code \}, {@code "} and line feed escaped. */
    static String escapeLabelValue(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\':
                    sb.append("\\\\");
                    break;
                case '"':
                    sb.append("\\\"");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                default:
                    sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** A float as the format writes it: {@code NaN}, {@code +Inf}, {@code -Inf}, or Java's shortest decimal form. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
