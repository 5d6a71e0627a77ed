package dev.lastmile.kpi.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the broker and the clients say about the application's topics: input records its group has
 * committed, and records written to its internal topics (end offsets; and, exactly, the producers'
 * own count of records sent per topic, from their JMX metrics).
 */
final class InputLag {

    private final Admin admin;
    private final String applicationId;
    private final List<String> inputs;

    InputLag(Admin admin, String applicationId, List<String> inputs) {
        this.admin = admin;
        this.applicationId = applicationId;
        this.inputs = inputs;
    }

    /** Input records the application's group has committed (the inputs hold no transaction markers). */
    long consumed() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return committed.entrySet().stream().filter(e -> inputs.contains(e.getKey().topic()) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The application's internal topics whose name ends with {@code suffix}. */
    List<String> internalTopics(String suffix) throws Exception {
        return admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(applicationId + "-") && t.endsWith(suffix)).sorted().toList();
    }

    /** Sum of end offsets of {@code topics} (under exactly-once these include one commit marker per transaction). */
    long endOffsets(List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS)
                .values().stream().flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(specs).all().get(10, TimeUnit.SECONDS);
        return ends.values().stream().mapToLong(ListOffsetsResultInfo::offset).sum();
    }

    /** Records this JVM's producers have sent to each of {@code topics} (Kafka's record-send-total, via JMX). */
    static Map<String, Long> recordsSent(List<String> topics) {
        Map<String, Long> sent = new TreeMap<>();
        topics.forEach(t -> sent.put(t, 0L));
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName name : server.queryNames(new ObjectName("kafka.producer:type=producer-topic-metrics,*"), null)) {
                String topic = name.getKeyProperty("topic");
                if (topic != null && sent.containsKey(topic)) {
                    Object v = server.getAttribute(name, "record-send-total");
                    sent.merge(topic, ((Number) v).longValue(), Long::sum);
                }
            }
        } catch (Exception e) {
            topics.forEach(t -> sent.put(t, -1L));
        }
        return sent;
    }
}
