package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.watermark.CatchUpProbe;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * What the topology needs besides the configuration, given by whoever runs it.
 *
 * @param sourcePartitions partition count of each input topic, so a downstream task knows every
 *                         source that must report progress before the watermark moves
 * @param honourEndOfInput accept control records that close every window (replay only)
 * @param catchUp          tells an input gate whether its partition is read to the end; the
 *                         running pipeline sets it, replay and topology tests never vouch
 * @param eventClock       "now" on the producers' clock for a wall-clock time: the identity in
 *                         production; the demo's simulated clock runs faster. A caught-up gate
 *                         vouches for it, and the future-event rule judges by it.
 */
public record TopologyOptions(SchemaRegistryClient registry, PipelineMetrics metrics,
                              Map<String, Integer> sourcePartitions, boolean honourEndOfInput, CatchUpProbe catchUp,
                              LongUnaryOperator eventClock) {

    public TopologyOptions {
        sourcePartitions = Map.copyOf(sourcePartitions);
    }

    public TopologyOptions(SchemaRegistryClient registry, PipelineMetrics metrics,
                           Map<String, Integer> sourcePartitions, boolean honourEndOfInput) {
        this(registry, metrics, sourcePartitions, honourEndOfInput, CatchUpProbe.NEVER, LongUnaryOperator.identity());
    }

    public TopologyOptions withCatchUp(CatchUpProbe probe) {
        return new TopologyOptions(registry, metrics, sourcePartitions, honourEndOfInput, probe, eventClock);
    }

    public TopologyOptions withEventClock(LongUnaryOperator clock) {
        return new TopologyOptions(registry, metrics, sourcePartitions, honourEndOfInput, catchUp, clock);
    }

    public int partitionsOf(String topic) {
        return sourcePartitions.getOrDefault(topic, 1);
    }
}
