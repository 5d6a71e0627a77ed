package dev.lastmile.kpi.metrics;

import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.family.KpiFamily;
import dev.lastmile.kpi.family.KpiGaugeSet;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;

/**
 * One gauge per KPI, region and window kind, showing the current window: the hour of the newest
 * data, or the rolling 24 h ending with that hour (open windows' updates included). A value the
 * contract leaves null (a zero denominator) shows as NaN. Labels: region and window, plus a bounded
 * breakdown label where a gauge set names one (the ticket category).
 *
 * <p>Beside them, per KPI and region, the last closed hour: {@code lastmile_closed_hour_<kpi>} is
 * the value of the newest final hourly record (what the alert logic judges and the console prints
 * as "last hour"), {@code lastmile_closed_hour_end_timestamp_seconds{kpi=<family>}} its window end.
 * The open-window gauges dip whenever an hour has just begun; alert on the closed-hour ones.
 */
final class KpiGauges {

    /**
     * The recent windows of one series by end. The newest window start seen marks the newest hour
     * with data; the current window is the one ending with that hour (for HOURLY, that hour).
     */
    private static final class Cell {
        private static final long HOUR_MS = 3_600_000L;
        private static final int KEEP = 48;
        private final TreeMap<Long, Double> byEnd = new TreeMap<>();
        private long newestStart = Long.MIN_VALUE;
        /** The exported gauge (null for the finals kept for summaries) and who set it last. */
        private Gauge gauge;
        private volatile Object owner;

        synchronized void update(long start, long end, Double value) {
            newestStart = Math.max(newestStart, start);
            byEnd.put(end, value == null ? Double.NaN : value);
            while (byEnd.size() > KEEP) {
                byEnd.pollFirstEntry();
            }
        }

        /** The window ending with the newest hour with data (or the nearest before it). */
        synchronized double current() {
            var e = byEnd.floorEntry(newestStart + HOUR_MS);
            return e == null ? Double.NaN : e.getValue();
        }

        /** The window that ended last (for finals: the newest closed window). */
        synchronized double newest() {
            return byEnd.isEmpty() ? Double.NaN : byEnd.lastEntry().getValue();
        }

        /** The end of the window that ended last, in seconds. */
        synchronized double newestEndSeconds() {
            return byEnd.isEmpty() ? Double.NaN : byEnd.lastKey() / 1000.0;
        }
    }

    private final MeterRegistry registry;
    private final Map<String, Cell> cells = new ConcurrentHashMap<>();
    /** The same values from final records only (closed windows), for summaries; not exported. */
    private final Map<String, Cell> finals = new ConcurrentHashMap<>();

    /** One KPI record's series (region, window) and window, to set its gauges from. */
    private final class Series {
        private final String family;
        private final String region;
        private final String window;
        private final long start;
        private final boolean isFinal;
        private final Map<String, String> labels;

        Series(String family, KpiGaugeSet.Window w) {
            this.family = family;
            this.region = w.region();
            this.window = w.kind().name().toLowerCase(Locale.ROOT);
            this.start = w.start().toEpochMilli();
            this.isFinal = w.isFinal();
            this.labels = new TreeMap<>(w.labels());
        }

        void set(String name, String help, Double value, Object owner) {
            long end = start + (window.equals("hourly") ? Cell.HOUR_MS : 24 * Cell.HOUR_MS);
            String key = name + "|" + window + "|" + region + (labels.isEmpty() ? "" : "|" + labels);
            Cell cell = cells.compute(key, (k, c) -> {
                if (c == null) {
                    c = new Cell();
                    Gauge.Builder<Cell> b = Gauge.builder(name, c, Cell::current).description(help).tag("region", region)
                            .tag("window", window);
                    labels.forEach(b::tag);
                    c.gauge = b.register(registry);
                }
                c.owner = owner; // the newest writer owns the series (a task that moved here)
                return c;
            });
            cell.update(start, end, value);
            if (isFinal && labels.isEmpty()) { // closed-hour gauges per region only
                boolean closedHour = window.equals("hourly");
                finals.compute(key, (k, f) -> {
                    if (f == null) {
                        f = new Cell();
                        if (closedHour) {
                            f.gauge = Gauge.builder(closedHourName(name), f, Cell::newest)
                                    .description(help + " (last closed hour: the newest final hourly window)")
                                    .tag("region", region).register(registry);
                        }
                    }
                    f.owner = owner;
                    f.update(start, end, value);
                    return f;
                });
                if (closedHour) {
                    finals.compute(CLOSED_HOUR_END + "|" + family + "|" + region, (k, f) -> {
                        if (f == null) {
                            f = new Cell();
                            f.gauge = Gauge.builder(CLOSED_HOUR_END, f, Cell::newestEndSeconds)
                                    .description("Window end of the newest final hourly record of the KPI family "
                                            + "(the hour the lastmile_closed_hour_* gauges show)")
                                    .tag("kpi", family).tag("region", region).register(registry);
                        }
                        f.owner = owner;
                        f.update(start, end, 0.0);
                        return f;
                    });
                }
            }
        }
    }

    static final String CLOSED_HOUR_END = "lastmile_closed_hour_end_timestamp_seconds";

    /** {@code lastmile_on_time_ratio} -> {@code lastmile_closed_hour_on_time_ratio}. */
    static String closedHourName(String gauge) {
        return "lastmile_closed_hour_" + gauge.substring("lastmile_".length());
    }
    private final Map<String, AtomicLong> lastUpdate = new ConcurrentHashMap<>();

    KpiGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Sets the gauges of a KPI record's series, as its family declares them; {@code owner} (a task's
     * processor) owns them until retired.
     */
    void observe(Object record, Object owner) {
        if (!(record instanceof SpecificRecord kpi)) {
            return;
        }
        for (KpiFamily<?> family : KpiFamilies.ALL) {
            if (family.schema().equals(kpi.getSchema())) {
                family.gauges().forEach(set -> observe(set, kpi, owner));
                return;
            }
        }
    }

    private <V extends SpecificRecord> void observe(KpiGaugeSet<V> set, SpecificRecord record, Object owner) {
        @SuppressWarnings("unchecked") // the family's schema is the record's: it is the family's record type
        V kpi = (V) record;
        if (!set.shown().test(kpi)) {
            return;
        }
        Series s = new Series(set.label(), set.window().apply(kpi));
        for (KpiGaugeSet.Gauge<V> g : set.gauges()) {
            s.set(g.name(), g.help(), g.value().apply(kpi), owner);
        }
        touched(set.label());
    }

    /**
     * Removes every series {@code owner} set and still owns: its task was closed (revoked, moved
     * to another instance, or shut down), and a series nobody owns would go on exporting a stale
     * value beside the new owner's. The series is gone from /metrics until an owner sets it again.
     */
    void retire(Object owner) {
        for (String key : cells.keySet()) {
            // Atomic per series, so a new owner taking it over at the same time keeps it.
            cells.computeIfPresent(key, (k, c) -> {
                if (c.owner != owner) {
                    return c;
                }
                registry.remove(c.gauge);
                return null;
            });
        }
        for (String key : finals.keySet()) {
            finals.computeIfPresent(key, (k, c) -> {
                if (c.owner != owner) {
                    return c;
                }
                if (c.gauge != null) {
                    registry.remove(c.gauge);
                }
                return null;
            });
        }
    }

    /** Latest value of a gauge per region (of closed windows only, if asked), for a summary line. */
    Map<String, Double> byRegion(String name, String window, boolean finalOnly) {
        Map<String, Double> out = new TreeMap<>();
        String prefix = name + "|" + window + "|";
        (finalOnly ? finals : cells).forEach((key, cell) -> {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), finalOnly ? cell.newest() : cell.current());
            }
        });
        return out;
    }

    private void touched(String kpi) {
        lastUpdate.computeIfAbsent(kpi, k -> {
            AtomicLong t = new AtomicLong();
            Gauge.builder("lastmile_kpi_last_update_timestamp_seconds", t, x -> x.get() / 1000.0)
                    .description("Wall-clock time the pipeline last emitted a record of this KPI family")
                    .tag("kpi", k).register(registry);
            return t;
        }).set(Instant.now().toEpochMilli());
    }
}
