package dev.lastmile.kpi.runtime;

import dev.lastmile.kpi.watermark.CatchUpProbe;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.processor.internals.DefaultKafkaClientSupplier;

/**
 * The input gates' view of their consumers: Kafka Streams' clients as usual, except that each
 * stream thread's main consumer remembers what it handed out, so a gate can ask — from its own
 * thread, the consumer's owner — whether its partition is read to the end.
 *
 * <p>With {@code group.protocol=streams} Kafka Streams 4.4 builds its main consumer itself, not
 * through the supplier: gates then never vouch for the wall clock and quiet partitions hold the
 * watermark until the stall timeout (see the README).
 */
public final class ConsumerPositions implements CatchUpProbe {

    private final Map<Thread, PositionTrackingConsumer> byThread = new ConcurrentHashMap<>();
    private final KafkaClientSupplier defaults = new DefaultKafkaClientSupplier();

    @Override
    public boolean caughtUp(TopicPartition partition, long lastProcessedOffset) {
        PositionTrackingConsumer consumer = byThread.get(Thread.currentThread());
        return consumer != null && consumer.caughtUp(partition, lastProcessedOffset);
    }

    /** Kafka Streams' clients, with the position-tracking main consumer. */
    public KafkaClientSupplier clientSupplier() {
        return new KafkaClientSupplier() {
            @Override
            public Admin getAdmin(Map<String, Object> config) {
                return defaults.getAdmin(config);
            }

            @Override
            public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
                return defaults.getProducer(config);
            }

            @Override
            public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
                return new PositionTrackingConsumer(config, byThread);
            }

            @Override
            public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
                return defaults.getRestoreConsumer(config);
            }

            @Override
            public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
                return defaults.getGlobalConsumer(config);
            }
        };
    }
}
