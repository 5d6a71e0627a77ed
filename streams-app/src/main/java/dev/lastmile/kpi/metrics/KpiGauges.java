package dev.lastmile.kpi.metrics;

import dev.lastmile.kpi.avro.CorrelationLevel;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.ExperienceKpi;
import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.SupportKpi;
import dev.lastmile.kpi.avro.WindowKind;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One gauge per KPI, region and window kind, showing the current window: the hour of the newest
 * data, or the rolling 24 h ending with that hour (open windows' updates included). A value the
 * contract leaves null (a zero denominator) shows as NaN. Labels: region and window only.
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
        private final java.util.TreeMap<Long, Double> byEnd = new java.util.TreeMap<>();
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

        Series(String family, String region, WindowKind kind, Instant start, boolean isFinal) {
            this.family = family;
            this.region = region;
            this.window = kind.name().toLowerCase(Locale.ROOT);
            this.start = start.toEpochMilli();
            this.isFinal = isFinal;
        }

        void set(String name, String help, Double value, Object owner) {
            long end = start + (window.equals("hourly") ? Cell.HOUR_MS : 24 * Cell.HOUR_MS);
            String key = name + "|" + window + "|" + region;
            Cell cell = cells.compute(key, (k, c) -> {
                if (c == null) {
                    c = new Cell();
                    c.gauge = Gauge.builder(name, c, Cell::current).description(help).tag("region", region)
                            .tag("window", window).register(registry);
                }
                c.owner = owner; // the newest writer owns the series (a task that moved here)
                return c;
            });
            cell.update(start, end, value);
            if (isFinal) {
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

    /** Sets the gauges of a KPI record's series; {@code owner} (a task's processor) owns them until retired. */
    void observe(Object record, Object owner) {
        if (record instanceof DeliveryKpi k) {
            Series s = new Series("delivery", k.getRegion(), k.getWindow(), k.getWindowStart(), k.getFinal$());
            s.set("lastmile_on_time_ratio", "On-time rate: DELIVERED on or before promised_by over deliveries", k.getOnTimeRate(), owner);
            s.set("lastmile_delivery_success_ratio", "Delivery success rate: DELIVERED over deliveries", k.getSuccessRate(), owner);
            s.set("lastmile_delivery_delay_seconds", "Mean delay of late DELIVERED events", seconds(k.getAvgDelayMinutes()), owner);
            s.set("lastmile_cost_per_delivery_cents", "Cost per delivery attempt, cents", k.getCostPerDeliveryCents(), owner);
            s.set("lastmile_cost_per_successful_delivery_cents", "Cost per DELIVERED delivery, cents", k.getCostPerSuccessfulDeliveryCents(), owner);
            s.set("lastmile_deliveries", "Terminal deliveries in the window (sample size of the delivery KPIs)", (double) k.getDeliveries(), owner);
            touched("delivery");
        } else if (record instanceof SupportKpi k && k.getCategory() == null) {
            Series s = new Series("support", k.getRegion(), k.getWindow(), k.getWindowStart(), k.getFinal$());
            s.set("lastmile_first_contact_resolution_ratio", "Resolved tickets with no customer reply or escalation before resolution", k.getFirstContactResolutionRate(), owner);
            s.set("lastmile_escalation_ratio", "Resolved tickets escalated before resolution", k.getEscalationRate(), owner);
            s.set("lastmile_repeat_contact_ratio", "Resolved tickets with a customer reply before resolution", k.getRepeatContactRate(), owner);
            s.set("lastmile_resolution_time_seconds", "Mean time from OPENED to first RESOLVED", seconds(k.getAvgResolutionMinutes()), owner);
            s.set("lastmile_first_response_time_seconds", "Mean time from OPENED to first agent reply", seconds(k.getAvgFirstResponseMinutes()), owner);
            s.set("lastmile_tickets_resolved", "Tickets first resolved in the window (sample size of the resolution KPIs)", (double) k.getResolved(), owner);
            s.set("lastmile_tickets_opened", "OPENED ticket events in the window", (double) k.getOpened(), owner);
            s.set("lastmile_tickets_reopened", "REOPENED ticket events in the window", (double) k.getReopened(), owner);
            touched("support");
        } else if (record instanceof ExperienceKpi k) {
            Series s = new Series("experience", k.getRegion(), k.getWindow(), k.getWindowStart(), k.getFinal$());
            s.set("lastmile_csat_ratio", "Share of CSAT scores 4 or 5", k.getCsatRate(), owner);
            s.set("lastmile_csat_score", "Mean CSAT score (1-5)", k.getCsatAvg(), owner);
            s.set("lastmile_nps_score", "Net promoter score (-100..100)", k.getNps(), owner);
            s.set("lastmile_ces_score", "Mean customer effort score (1-7)", k.getCesAvg(), owner);
            s.set("lastmile_csat_responses", "CSAT responses in the window", (double) k.getCsatResponses(), owner);
            s.set("lastmile_nps_responses", "NPS responses in the window", (double) k.getNpsResponses(), owner);
            s.set("lastmile_ces_responses", "CES responses in the window", (double) k.getCesResponses(), owner);
            touched("experience");
        } else if (record instanceof RouteComplaintKpi k && k.getLevel() == CorrelationLevel.REGION) {
            Series s = new Series("route_complaints", k.getRegion(), k.getWindow(), k.getWindowStart(), k.getFinal$());
            s.set("lastmile_route_complaint_correlation", "Pearson r of route late rate and complaint rate", k.getPearsonR(), owner);
            s.set("lastmile_route_hotspots", "Routes whose late and complaint rates are both 1.5x the region's", (double) k.getHotspots().size(), owner);
            s.set("lastmile_complaint_ratio", "Complaints attributed to the region's routes per delivery", k.getComplaintRate(), owner);
            s.set("lastmile_route_late_ratio", "Late or failed deliveries per delivery over the region's routes", k.getLateRate(), owner);
            touched("route_complaints");
        }
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

    private static Double seconds(Double minutes) {
        return minutes == null ? null : minutes * 60;
    }
}
