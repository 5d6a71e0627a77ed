package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.topology.RecordHeaderNames;
import dev.lastmile.kpi.topology.TopologyOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A ~1 MB and a ~2 MB record on a real broker (the input topic allows 4 MB) once made the DLQ write
 * exceed the producer's 1 MiB max.request.size: RecordTooLargeException, client shut down, and the
 * same again after every restart. Now both go to the DLQ as too_large, cut to fit, and the pipeline
 * stays RUNNING and counts every other record.
 */
@Tag("integration")
@Timeout(240)
class OversizeIntegrationTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void shouldStayReadyAndCountEverythingElseWhenRecordsOfOneAndTwoMegabytesArrive() throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of())) {
            String deliveries = env.config.topics().deliveryEvents();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", env.config.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(deliveries, Optional.of(1), Optional.of((short) 1))
                        .configs(Map.of("max.message.bytes", Integer.toString(4 * 1024 * 1024)))))
                        .all().get(30, TimeUnit.SECONDS);
            }
            env.createTopics(1); // the others; the delivery topic exists already
            long now = System.currentTimeMillis();
            long hour = now - Math.floorMod(now, HOUR) - 2 * HOUR; // closed once the gates are caught up
            byte[] oneMb = random(1_000_000, 1);
            byte[] twoMb = random(2_000_000, 2);
            Properties big = new Properties();
            big.put("bootstrap.servers", env.config.bootstrapServers());
            big.put("max.request.size", Integer.toString(4 * 1024 * 1024));
            try (KafkaProducer<String, DeliveryEvent> producer = env.producer(Serdes.String().serializer(),
                    env.topics.deliveryEvents().valueSerde().serializer());
                 KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(big, new ByteArraySerializer(),
                         new ByteArraySerializer())) {
                for (int i = 0; i < 10; i++) {
                    send(producer, deliveries, "a" + i, hour + i * 60_000L);
                }
                producer.flush();
                raw.send(new ProducerRecord<>(deliveries, 0, hour + 600_000L, key("big1"), oneMb)).get();
                raw.send(new ProducerRecord<>(deliveries, 0, hour + 601_000L, key("big2"), twoMb)).get();
                for (int i = 0; i < 10; i++) {
                    send(producer, deliveries, "b" + i, hour + 1_200_000L + i * 60_000L);
                }
                producer.flush();
            }
            PipelineMetrics metrics = PipelineMetrics.inMemory();
            Map<String, Integer> partitions = new HashMap<>();
            env.config.topics().inputs().forEach(t -> partitions.put(t, 1));
            String hourly = "north|HOURLY|" + hour;
            try (Pipeline pipeline = new Pipeline(env.config,
                    new TopologyOptions(env.registry, metrics, partitions, false)).start()) {
                List<ConsumerRecord<String, DeliveryKpi>> kpis = env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                        Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> ExpectedDeliveryKpis.finals(read).containsKey(hourly), Duration.ofSeconds(150));
                assertThat(ExpectedDeliveryKpis.finals(kpis).get(hourly)).as("final of " + hourly).isNotNull()
                        .satisfies(k -> assertThat(k.getDeliveries()).isEqualTo(20));
                assertThat(pipeline.isRunning()).as("ready after both records").isTrue();
                assertThat(pipeline.failure()).isNull();
                List<ConsumerRecord<byte[], byte[]>> dead = env.readAll(env.config.topics().dlq(),
                        Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
                assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8) + ":"
                        + header(r, RecordHeaderNames.DLQ_REASON_CODE) + ":" + header(r, RecordHeaderNames.TRUNCATED)
                        + ":" + header(r, RecordHeaderNames.ORIGINAL_SIZE) + ":"
                        + header(r, RecordHeaderNames.ORIGINAL_SHA256))
                        .containsExactlyInAnyOrder("big1:too_large:value:1000004:" + sha256(oneMb),
                                "big2:too_large:value:2000004:" + sha256(twoMb));
                assertThat(dead).allSatisfy(r -> assertThat(r.serializedValueSize()).isLessThanOrEqualTo(512 * 1024));
                assertThat(metrics.registry().find("lastmile.dlq.records").tag("reason", "too_large").counters().stream()
                        .mapToDouble(c -> c.count()).sum())
                        .isEqualTo(2.0);
            }
        }
    }

    private static void send(KafkaProducer<String, DeliveryEvent> producer, String topic, String id, long time) {
        DeliveryEvent e = BacklogIntegrationTest.event(id, "north", DeliveryStatus.DELIVERED, Instant.ofEpochMilli(time), 0);
        producer.send(new ProducerRecord<>(topic, 0, time, e.getDeliveryId(), e));
    }

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
