package dev.lastmile.kpi.watermark;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Data records go where their key hashes to (Kafka's default); progress markers go to every
 * partition (multicast, KIP-837) so each downstream task learns every source's progress.
 */
public final class MarkerPartitioner<K> implements StreamPartitioner<K, Envelope> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, K key, Envelope value, int numPartitions) {
        if (value instanceof Envelope.Marker) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
        return Optional.empty();
    }
}
