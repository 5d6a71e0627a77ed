package dev.lastmile.kpi.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The pipeline's own counters. Labels are low-cardinality only (topic, reason code, kpi); record
 * ids never become labels. Counters may over-count when an exactly-once transaction is retried;
 * the topics are the record of truth, these are for dashboards.
 */
public final class PipelineMetrics {

    private final MeterRegistry registry;
    private final KpiGauges gauges;
    private final WatermarkMetrics watermarks;
    private final Map<String, Counter> recordsIn = new ConcurrentHashMap<>();
    private final Map<String, Firing> firing = new ConcurrentHashMap<>();

    /** Target overrides from the kpi-targets topic: key {@code <kpi>} or {@code <kpi>:<region>}. */
    private final Map<String, Double> targetOverrides = new ConcurrentHashMap<>();

    /**
     * The reason codes the live gates send records to the DLQ with (replay's line-level codes
     * {@code invalid_utf8}, {@code not_json}, {@code invalid_field} never reach a topic). Each input
     * topic's {@code lastmile_dlq_records_total} series start at 0 for all of them.
     */
    public static final List<String> DLQ_REASONS = List.of("too_large", "undecodable",
            "missing_field", "forbidden_character", "blank_field", "too_long", "reserved_route_id",
            "event_time_too_early", "future_event_time", "negative_cost", "cost_too_large", "missing_promised_by",
            "promised_by_out_of_range", "score_out_of_range", "too_many_reasons", "conflicting_duplicate",
            "too_many_regions", "too_many_routes");

    /**
     * One exported lastmile_alert_firing series (with its lastmile_alert_predicted and target), and
     * the task (processor) that set it last.
     */
    private static final class Firing {
        final AtomicInteger value = new AtomicInteger();
        final AtomicInteger predicted = new AtomicInteger();
        io.micrometer.core.instrument.Gauge gauge;
        io.micrometer.core.instrument.Gauge predictedGauge;
        io.micrometer.core.instrument.Gauge target;
        volatile Object owner;
    }

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.gauges = new KpiGauges(registry);
        this.watermarks = new WatermarkMetrics(registry);
        // Alert state changes exist from the start: "no change yet" reads 0, not "No data".
        for (dev.lastmile.kpi.avro.AlertKpi kpi : dev.lastmile.kpi.avro.AlertKpi.values()) {
            for (dev.lastmile.kpi.avro.AlertState state : dev.lastmile.kpi.avro.AlertState.values()) {
                alertsCounter(kpi.name(), state.name());
            }
        }
    }

    /**
     * Starts an input topic's counters at 0: records in, repeats dropped, and records sent to the
     * DLQ for every reason code, so a dashboard shows 0 rather than "No data" before the first one.
     */
    public void declareInput(String topic) {
        recordsIn(topic);
        duplicatesCounter(topic);
        for (String reason : DLQ_REASONS) {
            dlqCounter(topic, reason);
        }
    }

    /** Starts the late-records counter of a KPI family (a record that only it missed) at 0. */
    public void declareLate(String family) {
        lateCounter(family);
    }

    /**
     * A target override read from the kpi-targets topic ({@code value} null: removed), shown on
     * {@code lastmile_kpi_target} at once.
     */
    public void targetOverride(String key, Double value) {
        if (value == null) {
            targetOverrides.remove(key);
        } else {
            targetOverrides.put(key, value);
        }
    }

    /** The target the alert logic applies to a KPI in a region: override for the region, for the KPI, default. */
    double target(String kpi, String region) {
        try {
            return dev.lastmile.kpi.kpi.AlertRules.target(dev.lastmile.kpi.avro.AlertKpi.valueOf(kpi), region,
                    targetOverrides::get);
        } catch (IllegalArgumentException e) {
            return Double.NaN;
        }
    }

    /** The Kafka Streams client's state, one-hot over every state (RUNNING 1 and the others 0 when healthy). */
    private final AtomicReference<String> streamsState =
            new AtomicReference<>();

    /**
     * Shows the Kafka Streams client's state on {@code lastmile_streams_client_state{state}} (Kafka's
     * own client "state" metric is a string, which no Prometheus binder exports). The series of every
     * state exist from the first call, so "not RUNNING" is a plain comparison with 0.
     */
    public void streamsState(KafkaStreams.State state) {
        if (streamsState.getAndSet(state.name()) == null) {
            for (KafkaStreams.State s : KafkaStreams.State.values()) {
                io.micrometer.core.instrument.Gauge.builder("lastmile_streams_client_state", streamsState,
                                r -> s.name().equals(r.get()) ? 1 : 0)
                        .description("1 for the Kafka Streams client's current state (CREATED, REBALANCING, RUNNING, "
                                + "PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR), 0 for the others")
                        .tag("state", s.name()).register(registry);
            }
        }
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
    public Map<String, Double> latest(String gauge, String window) {
        return gauges.byRegion(gauge, window, false);
    }

    /** The value of a KPI gauge in the latest closed (final) window per region. */
    public Map<String, Double> latestFinal(String gauge, String window) {
        return gauges.byRegion(gauge, window, true);
    }

    /** Called for every input record, so the counter is looked up once per topic, not per record. */
    public void recordIn(String topic) {
        recordsIn(topic).increment();
    }

    private Counter recordsIn(String topic) {
        return recordsIn.computeIfAbsent(topic, t -> Counter.builder("lastmile.records.in")
                .description("Input records read, valid or not").tag("topic", t).register(registry));
    }

    public void dlq(String topic, String reasonCode) {
        dlqCounter(topic, reasonCode).increment();
    }

    private Counter dlqCounter(String topic, String reasonCode) {
        return Counter.builder("lastmile.dlq.records").description("Input records sent to the DLQ, by reason")
                .tag("topic", topic).tag("reason", reasonCode).register(registry);
    }

    public void duplicate(String topic) {
        duplicatesCounter(topic).increment();
    }

    private Counter duplicatesCounter(String topic) {
        return Counter.builder("lastmile.duplicates.dropped").description("Input records dropped as repeats of an event_id")
                .tag("topic", topic).register(registry);
    }

    private Counter alertsCounter(String kpi, String state) {
        return Counter.builder("lastmile.alerts").description("Alert state changes, FIRING, RESOLVED or PREDICTED")
                .tag("kpi", kpi).tag("state", state).register(registry);
    }

    /** Counts an alert state change and shows whether the alert fires now. */
    public void alert(dev.lastmile.kpi.avro.KpiAlert alert) {
        alert(alert, this);
    }

    /** Counts an alert state change; the firing series of its KPI and region is then {@code owner}'s. */
    public void alert(dev.lastmile.kpi.avro.KpiAlert alert, Object owner) {
        alertsCounter(alert.getKpi().name(), alert.getState().name()).increment();
        alertState(alert.getKpi().name(), alert.getRegion(), alert.getState(), owner);
    }

    /** Shows whether a KPI's alert fires for a region; the task that owns the region's alert state calls it. */
    public void firing(String kpi, String region, boolean fires, Object owner) {
        alertState(kpi, region, fires ? dev.lastmile.kpi.avro.AlertState.FIRING : dev.lastmile.kpi.avro.AlertState.RESOLVED,
                owner);
    }

    /** Shows a KPI's alert state in a region (firing, predicted, neither); the task that owns it calls it. */
    public void alertState(String kpi, String region, dev.lastmile.kpi.avro.AlertState state, Object owner) {
        firing.compute(kpi + "|" + region, (key, f) -> {
            if (f == null) {
                f = new Firing();
                f.gauge = io.micrometer.core.instrument.Gauge.builder("lastmile_alert_firing", f.value,
                                AtomicInteger::get)
                        .description("1 while the KPI's alert fires for the region, else 0")
                        .tag("kpi", kpi).tag("region", region).register(registry);
                f.predictedGauge = io.micrometer.core.instrument.Gauge.builder("lastmile_alert_predicted", f.predicted,
                                AtomicInteger::get)
                        .description("1 while the KPI's forecast crosses its target in the region (PREDICTED), else 0")
                        .tag("kpi", kpi).tag("region", region).register(registry);
                f.target = io.micrometer.core.instrument.Gauge.builder("lastmile_kpi_target", this,
                                m -> m.target(kpi, region))
                        .description("Target the alert logic applies to the KPI in the region (kpi-targets "
                                + "overrides included), in the KPI's contract unit: ratio, minutes or cents")
                        .tag("kpi", kpi).tag("region", region).register(registry);
            }
            f.owner = owner;
            f.value.set(state == dev.lastmile.kpi.avro.AlertState.FIRING ? 1 : 0);
            f.predicted.set(state == dev.lastmile.kpi.avro.AlertState.PREDICTED ? 1 : 0);
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
                registry.remove(f.predictedGauge);
                registry.remove(f.target);
                return null;
            });
        }
    }

    /** KPIs whose alert fires now, per region. */
    public Map<String, List<String>> firingAlerts() {
        Map<String, List<String>> out = new TreeMap<>();
        firing.forEach((key, f) -> {
            if (f.value.get() == 1) {
                int bar = key.indexOf('|');
                out.computeIfAbsent(key.substring(bar + 1), r -> new ArrayList<>()).add(key.substring(0, bar));
            }
        });
        return out;
    }

    /** One late input record; {@code kpis}: the families that missed it, comma-separated (at most 15 sets). */
    public void late(String kpis) {
        lateCounter(kpis).increment();
    }

    private Counter lateCounter(String kpis) {
        return Counter.builder("lastmile.late.records").description("Input records that arrived after a window they "
                        + "belong to closed, once per record; kpi lists the KPI families that missed it")
                .tag("kpi", kpis).register(registry);
    }
}
