package dev.lastmile.kpi.runtime;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The main consumer of one stream thread, remembering the offset of the last record it handed to
 * Kafka Streams per partition, so an input gate can tell "read to the end and processed" from
 * "records still buffered". What it remembers is forgotten whenever Streams seeks or loses the
 * partition (the buffered records are dropped then too).
 */
final class PositionTrackingConsumer extends KafkaConsumer<byte[], byte[]> {

    private final Map<Thread, PositionTrackingConsumer> owners;
    private final Map<TopicPartition, Long> lastHandedOut = new ConcurrentHashMap<>();

    PositionTrackingConsumer(Map<String, Object> config, Map<Thread, PositionTrackingConsumer> owners) {
        super(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.owners = owners;
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        owners.put(Thread.currentThread(), this);
        ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
        for (TopicPartition tp : records.partitions()) {
            var list = records.records(tp);
            lastHandedOut.put(tp, list.get(list.size() - 1).offset());
        }
        return records;
    }

    /** Read to the end as of the last fetch, and nothing handed out beyond {@code lastProcessedOffset}. */
    boolean caughtUp(TopicPartition tp, long lastProcessedOffset) {
        OptionalLong lag = currentLag(tp);
        if (lag.isEmpty() || lag.getAsLong() > 0) {
            return false;
        }
        Long handedOut = lastHandedOut.get(tp);
        return handedOut == null || lastProcessedOffset >= handedOut;
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        super.subscribe(topics, forgetting(listener));
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        super.subscribe(pattern, forgetting(listener));
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        lastHandedOut.remove(partition);
        super.seek(partition, offset);
    }

    @Override
    public void seek(TopicPartition partition, OffsetAndMetadata offsetAndMetadata) {
        lastHandedOut.remove(partition);
        super.seek(partition, offsetAndMetadata);
    }

    @Override
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        partitions.forEach(lastHandedOut::remove);
        super.seekToBeginning(partitions);
    }

    @Override
    public void seekToEnd(Collection<TopicPartition> partitions) {
        partitions.forEach(lastHandedOut::remove);
        super.seekToEnd(partitions);
    }

    @Override
    public void close(Duration timeout) {
        owners.values().remove(this);
        super.close(timeout);
    }

    @Override
    public void close() {
        owners.values().remove(this);
        super.close();
    }

    private ConsumerRebalanceListener forgetting(ConsumerRebalanceListener listener) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                partitions.forEach(lastHandedOut::remove);
                listener.onPartitionsRevoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                listener.onPartitionsAssigned(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                partitions.forEach(lastHandedOut::remove);
                listener.onPartitionsLost(partitions);
            }
        };
    }
}
