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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main consumer of one stream thread, remembering the offset of the last record it handed to
 * Kafka Streams per partition, so an input gate can tell "read to the end and processed" from
 * "records still buffered". What it remembers is forgotten whenever Streams seeks or loses the
 * partition (the buffered records are dropped then too).
 *
 * <p>It also repairs a gap seen on Kafka Streams 4.4 under exactly-once when a task is revived or
 * moved while records are in flight (an instance frozen mid-rebalance, a replaced stream thread):
 * the consumer's position ends up past records that never reached the task. The gate knows the
 * last offset it processed (committed with its state), so such offsets are read again.
 */
final class PositionTrackingConsumer extends KafkaConsumer<byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(PositionTrackingConsumer.class);

    private final Map<Thread, PositionTrackingConsumer> owners;
    private final Map<TopicPartition, Long> lastHandedOut = new ConcurrentHashMap<>();
    /** Offsets [from, to) read again because the consumer had passed them without the gate seeing them. */
    private final Map<TopicPartition, long[]> rereads = new ConcurrentHashMap<>();

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
            long[] reread = rereads.get(tp);
            if (reread != null && list.get(0).offset() < reread[1]) {
                LOG.error("The consumer of {} had passed offsets {} to {} without handing them to the pipeline; "
                        + "they are being read again", tp, reread[0], reread[1] - 1);
                rereads.remove(tp);
            }
        }
        return records;
    }

    /**
     * Read to the end as of the last fetch, nothing handed out beyond {@code lastProcessedOffset},
     * and nothing between that offset and the consumer's position. Offsets passed over without
     * reaching the gate (seen when a task was revived or moved while records were in flight) are
     * read again once; offsets that yield no record when read again (transaction markers) are
     * passed for good.
     */
    boolean caughtUp(TopicPartition tp, long lastProcessedOffset) {
        OptionalLong lag;
        try {
            lag = currentLag(tp);
        } catch (IllegalStateException notAssigned) {
            return false; // mid-rebalance: the task is about to go
        }
        if (lag.isEmpty() || lag.getAsLong() > 0) {
            return false;
        }
        Long handedOut = lastHandedOut.get(tp);
        if (handedOut != null && lastProcessedOffset < handedOut) {
            return false;
        }
        long position = position(tp);
        if (lastProcessedOffset < 0 || position <= lastProcessedOffset + 1) {
            return true;
        }
        long[] reread = rereads.get(tp);
        if (reread != null && reread[0] == lastProcessedOffset + 1 && reread[1] == position) {
            return true; // read again, and nothing came: control records only
        }
        rereads.put(tp, new long[] {lastProcessedOffset + 1, position});
        seek(tp, lastProcessedOffset + 1);
        return false;
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
