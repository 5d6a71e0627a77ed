package dev.lastmile.kpi.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The pipeline's own counters. Labels are low-cardinality only (topic, reason code, kpi); record
 * ids never become labels. Counters may over-count when an exactly-once transaction is retried;
 * the topics are the record of truth, these are for dashboards.
 */
public final class PipelineMetrics {

    private final MeterRegistry registry;
    private final KpiGauges gauges;
    private final WatermarkMetrics watermarks;
    private final java.util.Map<String, Counter> recordsIn = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Firing> firing = new java.util.concurrent.ConcurrentHashMap<>();

    /** One exported lastmile_alert_firing series and the task (processor) that set it last. */
    private static final class Firing {
        final java.util.concurrent.atomic.AtomicInteger value = new java.util.concurrent.atomic.AtomicInteger();
        io.micrometer.core.instrument.Gauge gauge;
        volatile Object owner;
    }

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.gauges = new KpiGauges(registry);
        this.watermarks = new WatermarkMetrics(registry);
    }

    /** Counters kept in memory only, for replay and tests that do not read them. */
    public static PipelineMetrics inMemory() {
        return new PipelineMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Input partitions' progress and the windowed stages' watermarks. */
    public WatermarkMetrics watermarks() {
        return watermarks;
    }

    /** Shows a KPI record (any family) on the per-region gauges. */
    public void kpi(Object record) {
        kpi(record, this);
    }

    /**
     * Shows a KPI record on the per-region gauges, whose series {@code owner} (the processor of the
     * task that owns the region) then owns until {@link #retireKpis} or another owner sets them.
     */
    public void kpi(Object record, Object owner) {
        gauges.observe(record, owner);
    }

    /**
     * Removes the KPI gauge series {@code owner} still owns: its task closed (revoked, moved to
     * another instance, shut down), and the instance that owns the region now exports it alone.
     */
    public void retireKpis(Object owner) {
        gauges.retire(owner);
    }

    /** The latest value of a KPI gauge (e.g. lastmile_on_time_ratio) per region, for a summary line. */
    public java.util.Map<String, Double> latest(String gauge, String window) {
        return gauges.byRegion(gauge, window, false);
    }

    /** The value of a KPI gauge in the latest closed (final) window per region. */
    public java.util.Map<String, Double> latestFinal(String gauge, String window) {
        return gauges.byRegion(gauge, window, true);
    }

    /** Called for every input record, so the counter is looked up once per topic, not per record. */
    public void recordIn(String topic) {
        recordsIn.computeIfAbsent(topic, t -> Counter.builder("lastmile.records.in")
                .description("Input records read, valid or not").tag("topic", t).register(registry)).increment();
    }

    public void dlq(String topic, String reasonCode) {
        Counter.builder("lastmile.dlq.records").description("Input records sent to the DLQ, by reason")
                .tag("topic", topic).tag("reason", reasonCode).register(registry).increment();
    }

    public void duplicate(String topic) {
        Counter.builder("lastmile.duplicates.dropped").description("Input records dropped as repeats of an event_id")
                .tag("topic", topic).register(registry).increment();
    }

    /** Counts an alert state change and shows whether the alert fires now. */
    public void alert(dev.lastmile.kpi.avro.KpiAlert alert) {
        alert(alert, this);
    }

    /** Counts an alert state change; the firing series of its KPI and region is then {@code owner}'s. */
    public void alert(dev.lastmile.kpi.avro.KpiAlert alert, Object owner) {
        Counter.builder("lastmile.alerts").description("Alert state changes, FIRING or RESOLVED")
                .tag("kpi", alert.getKpi().name()).tag("state", alert.getState().name()).register(registry).increment();
        firing(alert.getKpi().name(), alert.getRegion(), alert.getState() == dev.lastmile.kpi.avro.AlertState.FIRING,
                owner);
    }

    /** Shows whether a KPI's alert fires for a region; the task that owns the region's alert state calls it. */
    public void firing(String kpi, String region, boolean fires, Object owner) {
        firing.compute(kpi + "|" + region, (key, f) -> {
            if (f == null) {
                f = new Firing();
                f.gauge = io.micrometer.core.instrument.Gauge.builder("lastmile_alert_firing", f.value,
                                java.util.concurrent.atomic.AtomicInteger::get)
                        .description("1 while the KPI's alert fires for the region, else 0")
                        .tag("kpi", kpi).tag("region", region).register(registry);
            }
            f.owner = owner;
            f.value.set(fires ? 1 : 0);
            return f;
        });
    }

    /** Removes the alert-firing series {@code owner} still owns: its task closed (see {@link #retireKpis}). */
    public void retireAlerts(Object owner) {
        for (String key : firing.keySet()) {
            firing.computeIfPresent(key, (k, f) -> {
                if (f.owner != owner) {
                    return f;
                }
                registry.remove(f.gauge);
                return null;
            });
        }
    }

    /** KPIs whose alert fires now, per region. */
    public java.util.Map<String, java.util.List<String>> firingAlerts() {
        java.util.Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
        firing.forEach((key, f) -> {
            if (f.value.get() == 1) {
                int bar = key.indexOf('|');
                out.computeIfAbsent(key.substring(bar + 1), r -> new java.util.ArrayList<>()).add(key.substring(0, bar));
            }
        });
        return out;
    }

    /** One late input record; {@code kpis}: the families that missed it, comma-separated (at most 15 sets). */
    public void late(String kpis) {
        Counter.builder("lastmile.late.records").description("Input records that arrived after a window they "
                        + "belong to closed, once per record; kpi lists the KPI families that missed it")
                .tag("kpi", kpis).register(registry).increment();
    }
}
