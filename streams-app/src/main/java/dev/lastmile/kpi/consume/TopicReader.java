package dev.lastmile.kpi.consume;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of one topic without joining a consumer group: partitions are assigned, nothing is
 * committed, so reading never moves anyone's offsets and needs no group ACL. Only committed records are read
 * (read_committed), as the pipeline writes in transactions. Without following it stops at the end offsets
 * it found at the start.
 */
public final class TopicReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;

    /** @param clientProperties connection and security settings (bootstrap.servers, security.protocol, sasl.*, ssl.*) */
    public TopicReader(Properties clientProperties, String topic) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.remove("group.id");
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        p.put("client.id", "lastmile-kpi-consume-" + UUID.randomUUID().toString().substring(0, 8));
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
    }

    /**
     * Hands each record to {@code sink}, then each batch's end to {@code batchDone}, until the end offsets
     * found at the start (or, following, until {@link #stop()}); {@code sink} answers false to stop early.
     *
     * @param fromBeginning start at each partition's first record, else at its end (only new records)
     */
    public void read(boolean fromBeginning, boolean follow, RecordSink sink, Runnable batchDone) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("Topic " + topic + " does not exist (or this principal may not "
                    + "describe it)");
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // the last stable offsets: read_committed
        try {
            while (follow || partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (!follow && r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // written after the start: not asked for without --follow
                    }
                    if (!sink.accept(r)) {
                        batchDone.run();
                        return;
                    }
                }
                batchDone.run();
            }
        } catch (WakeupException e) {
            batchDone.run(); // stopped (Ctrl-C): print what was read
        }
    }

    /** Ends a {@link #read} in progress from another thread (a shutdown hook). */
    public void stop() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
    }

    /** Takes one record; false to stop reading. */
    @FunctionalInterface
    public interface RecordSink {
        boolean accept(ConsumerRecord<byte[], byte[]> record);
    }
}
