package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.AlertState;
import dev.lastmile.kpi.avro.KpiAlert;
import dev.lastmile.kpi.kpi.AlertRules;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Checks final hourly region KPIs against their targets and their forecasts (PREDICTED), and emits
 * only changes of state; each KPI's recent judged finals are kept beside its state. It runs
 * in the task that owns the region's windows, so each region's finals arrive in window order.
 * Targets come from the global store fed by the compacted targets topic.
 */
final class AlertProcessor<OUT> implements Processor<String, OUT, String, KpiAlert> {

    static final String TARGETS_STORE = "kpi-targets";

    private final String stateStoreName;
    private final Function<OUT, List<AlertRules.Observation>> observations;
    private final long minSamples;
    private final AlertRules.Forecasting forecasting;
    private final PipelineMetrics metrics;
    private KeyValueStore<String, String> state;
    private KeyValueStore<String, String> targets;
    private ProcessorContext<String, KpiAlert> context;

    AlertProcessor(String stateStoreName, Function<OUT, List<AlertRules.Observation>> observations, long minSamples,
                   AlertRules.Forecasting forecasting, PipelineMetrics metrics) {
        this.stateStoreName = stateStoreName;
        this.observations = observations;
        this.minSamples = minSamples;
        this.forecasting = forecasting;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, KpiAlert> context) {
        this.context = context;
        this.state = context.getStateStore(stateStoreName);
        this.targets = context.getStateStore(TARGETS_STORE);
        // The task may have moved here (restored state): export its regions' alert state now, not
        // only at their next change, as the instance that had it retired its series.
        try (KeyValueIterator<String, String> it = state.all()) {
            it.forEachRemaining(e -> {
                if (!AlertHistory.isHistoryKey(e.key)) {
                    int colon = e.key.indexOf(':');
                    metrics.alertState(e.key.substring(0, colon), e.key.substring(colon + 1), state(e.value), this);
                }
            });
        }
    }

    /** Called when the task is revoked, closed or the client shuts down. */
    @Override
    public void close() {
        metrics.retireAlerts(this);
    }

    @Override
    public void process(Record<String, OUT> record) {
        for (AlertRules.Observation o : observations.apply(record.value())) {
            String key = o.kpi() + ":" + o.region();
            String current = state.get(key);
            if (current == null) {
                // First sight of the KPI in the region: its firing series (and target) starts at 0,
                // also on the instance a later rebalance moves the task to (init exports the store).
                current = "RESOLVED";
                state.put(key, current);
                metrics.alertState(o.kpi().name(), o.region(), AlertState.RESOLVED, this);
            }
            AlertState before = state(current);
            boolean judged = o.samples() >= minSamples;
            AlertHistory history = judged ? AlertHistory.decode(state.get(AlertHistory.key(key)))
                    .append(o.windowStart(), o.windowEnd(), o.value()) : null;
            Optional<KpiAlert> alert = AlertRules.evaluate(o, before, judged ? history.values() : List.of(), forecasting,
                    this::target, minSamples);
            if (judged) {
                boolean recovered = before == AlertState.FIRING && alert.isPresent();
                state.put(AlertHistory.key(key),
                        (recovered ? AlertHistory.startingAt(o.windowEnd(), o.value()) : history).encode());
            }
            alert.ifPresent(a -> {
                state.put(key, a.getState().name());
                metrics.alert(a, this);
                context.forward(record.withKey(key).withValue(a));
            });
        }
    }

    /** A stored state; one a newer release wrote and this one does not know counts as no alert. */
    private static AlertState state(String stored) {
        try {
            return AlertState.valueOf(stored);
        } catch (IllegalArgumentException e) {
            return AlertState.RESOLVED;
        }
    }

    private Double target(String key) {
        String value = targets.get(key);
        if (value == null) {
            return null;
        }
        try {
            return Double.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null; // reported once, when the target was read (TargetsLoader)
        }
    }
}
