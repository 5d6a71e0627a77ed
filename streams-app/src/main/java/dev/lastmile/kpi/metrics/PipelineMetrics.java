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
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> firing =
            new java.util.concurrent.ConcurrentHashMap<>();

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
        gauges.observe(record);
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
        Counter.builder("lastmile.alerts").description("Alert state changes, FIRING or RESOLVED")
                .tag("kpi", alert.getKpi().name()).tag("state", alert.getState().name()).register(registry).increment();
        firing.computeIfAbsent(alert.getKpi().name() + "|" + alert.getRegion(), key -> {
            java.util.concurrent.atomic.AtomicInteger f = new java.util.concurrent.atomic.AtomicInteger();
            io.micrometer.core.instrument.Gauge.builder("lastmile_alert_firing", f, java.util.concurrent.atomic.AtomicInteger::get)
                    .description("1 while the KPI's alert fires for the region, else 0")
                    .tag("kpi", alert.getKpi().name()).tag("region", alert.getRegion()).register(registry);
            return f;
        }).set(alert.getState() == dev.lastmile.kpi.avro.AlertState.FIRING ? 1 : 0);
    }

    /** KPIs whose alert fires now, per region. */
    public java.util.Map<String, java.util.List<String>> firingAlerts() {
        java.util.Map<String, java.util.List<String>> out = new java.util.TreeMap<>();
        firing.forEach((key, f) -> {
            if (f.get() == 1) {
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
