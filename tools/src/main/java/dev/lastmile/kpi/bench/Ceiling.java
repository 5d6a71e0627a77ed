package dev.lastmile.kpi.bench;

import dev.lastmile.kpi.topology.Topic;
import dev.lastmile.kpi.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The raw ceiling: one plain {@code KafkaConsumer} (no group, read_committed as Streams reads under
 * exactly-once) that reads every input record from the start and decodes its key and Avro value.
 * No pipeline on this machine can beat it; every other number is judged against it.
 */
final class Ceiling {

    private Ceiling() {
    }

    static Throughput measure(Properties clientProperties, Topics topics, long expected, Duration timeout) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("client.id", "bench-ceiling");
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("max.poll.records", "2000");
        Map<String, Deserializer<? extends SpecificRecord>> values = new HashMap<>();
        for (Topic<String, ? extends SpecificRecord> t : List.of(topics.deliveryEvents(), topics.ticketEvents(),
                topics.surveyResponses())) {
            values.put(t.name(), t.valueSerde().deserializer());
        }
        StringDeserializer keys = new StringDeserializer();
        long startNanos = System.nanoTime();
        long startCpu = Resources.processCpuNanos();
        long read = 0;
        long checksum = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : values.keySet()) {
                consumer.partitionsFor(topic).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = startNanos + timeout.toNanos();
            while (read < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String key = keys.deserialize(r.topic(), r.key());
                    SpecificRecord value = values.get(r.topic()).deserialize(r.topic(), r.value());
                    checksum += key.length() + value.getSchema().getFields().size();
                    read++;
                }
            }
        }
        if (read < expected || checksum == 0) {
            throw new IllegalStateException("The ceiling consumer read " + read + " of " + expected + " input records");
        }
        return Throughput.since(read, startNanos, startCpu);
    }
}
