package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.metrics.PipelineMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global targets store in step with the compacted targets topic: key {@code <kpi>} or
 * {@code <kpi>:<region>}, value the target as a number in UTF-8 (e.g. {@code 0.95}); a tombstone
 * removes the override. A value that is not a number is ignored, with one log line.
 */
final class TargetsLoader implements Processor<String, String, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(TargetsLoader.class);
    private final PipelineMetrics metrics;
    private KeyValueStore<String, String> targets;

    TargetsLoader(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.targets = context.getStateStore(AlertProcessor.TARGETS_STORE);
        // The store was restored before init: show what it holds on lastmile_kpi_target.
        try (KeyValueIterator<String, String> it = targets.all()) {
            it.forEachRemaining(e -> metrics.targetOverride(e.key, Double.valueOf(e.value)));
        }
    }

    @Override
    public void process(Record<String, String> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            targets.delete(record.key());
            metrics.targetOverride(record.key(), null);
            return;
        }
        try {
            double value = Double.parseDouble(record.value().trim());
            targets.put(record.key(), record.value().trim());
            metrics.targetOverride(record.key(), value);
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring KPI target {}='{}': not a number", record.key(), record.value());
        }
    }
}
