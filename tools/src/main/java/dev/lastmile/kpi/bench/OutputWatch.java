package dev.lastmile.kpi.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.json.JsonAvro;
import dev.lastmile.kpi.topology.Topic;
import dev.lastmile.kpi.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the KPI and alert topics as a downstream consumer does (read_committed, from the start) and
 * keeps, per topic, how many records came and each final record in replay's JSON form (KPI records
 * with {@code final=true}, every alert), so they can be counted against and compared with replay's.
 */
final class OutputWatch implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Topic<String, ? extends SpecificRecord>> topics = new LinkedHashMap<>();
    private final Map<String, Long> records = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> finals = new LinkedHashMap<>();

    OutputWatch(Properties clientProperties, Topics all) {
        all.kpiTopics().forEach(t -> topics.put(t.name(), t));
        topics.put(all.kpiAlerts().name(), all.kpiAlerts());
        topics.keySet().forEach(t -> {
            records.put(t, 0L);
            finals.put(t, new HashMap<>());
        });
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("client.id", "bench-output-watch");
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : topics.keySet()) {
            consumer.partitionsFor(t).forEach(i -> partitions.add(new TopicPartition(t, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what arrived within {@code timeout}; returns how many records. */
    int poll(Duration timeout) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            SpecificRecord value = topics.get(r.topic()).valueSerde().deserializer().deserialize(r.topic(), r.value());
            records.merge(r.topic(), 1L, Long::sum);
            Schema.Field fin = value.getSchema().getField("final");
            if (fin == null || Boolean.TRUE.equals(value.get(fin.pos()))) {
                finals.get(r.topic()).merge(line(r.topic(), value), 1, Integer::sum);
            }
            n++;
        }
        return n;
    }

    /** A final as replay writes it: {@code {"topic": ..., fields...}}. */
    static String line(String topic, SpecificRecord value) {
        ObjectNode json = JSON.createObjectNode().put("topic", topic);
        json.setAll(JsonAvro.toJson(value));
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether every topic holds at least as many finals as {@code expected} names. */
    boolean reached(Map<String, Long> expected) {
        return expected.entrySet().stream().allMatch(e -> finalCount(e.getKey()) >= e.getValue());
    }

    long finalCount(String topic) {
        return finals.getOrDefault(topic, Map.of()).values().stream().mapToLong(Integer::longValue).sum();
    }

    long totalRecords() {
        return records.values().stream().mapToLong(Long::longValue).sum();
    }

    Map<String, Long> records() {
        return Map.copyOf(records);
    }

    Map<String, Map<String, Integer>> finals() {
        return finals;
    }

    java.util.Set<String> topicNames() {
        return topics.keySet();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
