package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.metrics.PipelineMetrics;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Shows each KPI record on the per-region gauges, and retires the series it set when its task is
 * closed: after a rebalance moved the region to another instance, only that instance exports it
 * (two instances must never export two values for one region).
 */
final class KpiGaugesProcessor<V> implements FixedKeyProcessor<String, V, V> {

    private final PipelineMetrics metrics;
    private FixedKeyProcessorContext<String, V> context;

    KpiGaugesProcessor(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        metrics.kpi(record.value(), this);
        context.forward(record);
    }

    /** Called when the task is revoked, closed or the client shuts down. */
    @Override
    public void close() {
        metrics.retireKpis(this);
    }
}
