package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import java.util.Map;

/**
 * What the topology needs besides the configuration, given by whoever runs it.
 *
 * @param sourcePartitions partition count of each input topic, so a downstream task knows every
 *                         source that must report progress before the watermark moves
 * @param honourEndOfInput accept control records that close every window (replay only)
 */
public record TopologyOptions(SchemaRegistryClient registry, PipelineMetrics metrics,
                              Map<String, Integer> sourcePartitions, boolean honourEndOfInput) {

    public TopologyOptions {
        sourcePartitions = Map.copyOf(sourcePartitions);
    }

    public int partitionsOf(String topic) {
        return sourcePartitions.getOrDefault(topic, 1);
    }
}
