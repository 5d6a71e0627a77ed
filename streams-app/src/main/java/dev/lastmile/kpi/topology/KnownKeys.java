package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import dev.lastmile.kpi.kpi.Validation;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The regions (and, on deliveries, the routes of each region) one gate task has admitted, so a
 * flood of new names cannot blow up the window stores, the KPI topics or /metrics (every region is
 * a label). Kept in the task's changelogged store: the same set wherever the task runs and after
 * any restart. Bounded per gate task (one input partition), which needs no coordination between
 * tasks and still bounds the whole: at most partitions x {@code maxRegions} regions per input topic.
 * Names not seen for {@code retention} of event time are forgotten, so retired ones free their place.
 *
 * <p>Store keys: {@code R|<region>} and {@code T|<region>|<route>} ('|' is rejected in names).
 * Values: version 1 (unchanged since wave 1), then the last event time seen (epoch millis). The
 * same store keeps, under {@code P}, the highest progress the gate has reported downstream
 * ({@link #reported()}), which the gate's in-memory progress forgets on a restart.
 */
final class KnownKeys {

    private static final int VERSION = 1;
    private static final String REPORTED_KEY = "P";
    /** Last-seen times move in steps of an hour: one store write per name and hour, not per record. */
    private static final long STEP_MS = 3_600_000L;

    private final KeyValueStore<String, byte[]> store;
    private final GateLimits limits;
    private final long retentionMs;
    private final Map<String, Long> regions = new HashMap<>();
    private final Map<String, Integer> routesPerRegion = new HashMap<>();
    private long newest = Long.MIN_VALUE;
    private long reported = Long.MIN_VALUE;
    private final ExpirySweep<String, byte[]> sweep;

    KnownKeys(KeyValueStore<String, byte[]> store, GateLimits limits, long retentionMs) {
        this.store = store;
        this.limits = limits;
        this.retentionMs = retentionMs;
        this.sweep = new ExpirySweep<>(store);
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> e = it.next();
                long seen = decode(e.value);
                newest = e.key.equals(REPORTED_KEY) ? newest : Math.max(newest, seen);
                if (e.key.equals(REPORTED_KEY)) {
                    reported = seen;
                    continue;
                }
                if (e.key.startsWith("R|")) {
                    regions.put(e.key.substring(2), seen);
                } else {
                    routesPerRegion.merge(regionOfRoute(e.key), 1, Integer::sum);
                }
            }
        }
    }

    /** Admits the record's region (and route, when not null), or says why not; nothing changes then. */
    Optional<Validation.Rejection> admit(String region, String route, long eventTime) {
        Long regionSeen = regions.get(region);
        if (regionSeen == null && regions.size() >= limits.maxRegions()) {
            return Optional.of(new Validation.Rejection("too_many_regions", "region \"" + region + "\" would be "
                    + "region " + (regions.size() + 1) + " of this input partition, more than input.max.regions ("
                    + limits.maxRegions() + ")"));
        }
        String routeKey = route == null ? null : "T|" + region + "|" + route;
        byte[] routeSeen = routeKey == null ? null : store.get(routeKey);
        int routes = routesPerRegion.getOrDefault(region, 0);
        if (routeKey != null && routeSeen == null && routes >= limits.maxRoutesPerRegion()) {
            return Optional.of(new Validation.Rejection("too_many_routes", "route_id \"" + route + "\" would be route "
                    + (routes + 1) + " of region \"" + region + "\" on this input partition, more than "
                    + "input.max.routes.per.region (" + limits.maxRoutesPerRegion() + ")"));
        }
        newest = Math.max(newest, eventTime);
        if (regionSeen == null || eventTime >= regionSeen + STEP_MS) {
            regions.put(region, eventTime);
            store.put("R|" + region, encode(eventTime));
        }
        if (routeKey != null && (routeSeen == null || eventTime >= decode(routeSeen) + STEP_MS)) {
            if (routeSeen == null) {
                routesPerRegion.merge(region, 1, Integer::sum);
            }
            store.put(routeKey, encode(eventTime));
        }
        return Optional.empty();
    }

    /**
     * Forgets names whose last event is more than the retention before the newest event seen, a
     * slice of the store per call (see {@link ExpirySweep}).
     */
    void forgetOld(long wallNowMs) {
        if (newest == Long.MIN_VALUE) {
            return;
        }
        long cutoff = newest - retentionMs;
        for (String key : sweep.sweep((key, value) -> !key.equals(REPORTED_KEY) && decode(value) < cutoff, wallNowMs)) {
            if (key.startsWith("R|")) {
                regions.remove(key.substring(2));
            } else {
                routesPerRegion.computeIfPresent(regionOfRoute(key), (r, n) -> n > 1 ? n - 1 : null);
            }
        }
    }

    /**
     * The highest progress this partition has reported downstream, including before a restart:
     * no KPI family's watermark can be ahead of it (see {@link LateCollector}).
     */
    long reported() {
        return reported;
    }

    /** Remembers the gate's progress when it is higher than any before (cached: one write a commit). */
    void reported(long progress) {
        if (progress > reported) {
            reported = progress;
            store.put(REPORTED_KEY, encode(progress));
        }
    }

    int regions() {
        return regions.size();
    }

    private static String regionOfRoute(String key) {
        return key.substring(2, key.indexOf('|', 2));
    }

    static byte[] encode(long lastSeen) {
        return PayloadWriter.version(VERSION).writeLong(lastSeen).toBytes();
    }

    static long decode(byte[] value) {
        PayloadReader in = PayloadReader.open("known-keys entry", value);
        if (in.version() != VERSION) {
            throw in.unsupportedVersion();
        }
        long seen = in.readLong();
        in.end();
        return seen;
    }
}
