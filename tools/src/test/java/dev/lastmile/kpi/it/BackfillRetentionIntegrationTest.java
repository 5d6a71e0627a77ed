package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.embedded.EmbeddedKafka;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.topology.RecordHeaderNames;
import dev.lastmile.kpi.topology.TopologyOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backfill of month-old data on a broker that enforces time retention every half second: a
 * control topic with broker defaults (delete, 7 days, CreateTime) loses its month-old records in
 * the same run, while every final of the KPI topics, the DLQ and late records and the dedup
 * store's changelog stay, and the finals equal a brute-force recomputation; a new instance on
 * empty state restores the dedup store and drops repeats of the backfill's events.
 */
@Tag("integration")
@Timeout(180)
class BackfillRetentionIntegrationTest {

    private static final int PARTITIONS = 2;
    private static final int DAYS = 2;
    private static final int EVENTS = 3_000;
    private static final List<String> REGIONS = List.of("north", "south", "east", "west");
    private static final Duration BUDGET = Duration.ofSeconds(90);

    private final Instant start = Instant.now().minus(Duration.ofDays(35)).truncatedTo(ChronoUnit.HOURS);
    /** The first events of each partition's backfill, to repeat after a restore. */
    private final List<List<DeliveryEvent>> firstEvents = new ArrayList<>();

    @Test
    void shouldKeepEveryFinalOfAMonthOldBackfillWhileTheBrokerDeletesByRetention() throws Exception {
        // Retention enforced every 0.5 s: by the retention check (default every 5 min) and, for
        // compact,delete topics such as window-store changelogs, by the log cleaner (default every
        // 15 s when idle). Segments are left as they are: a segment whose records all breach
        // retention is deleted whole, even the active one.
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Map.of("log.retention.check.interval.ms", "500",
                "log.cleaner.backoff.ms", "500"));
             ItEnvironment env = new ItEnvironment(kafka, Map.of());
             Admin admin = kafka.admin()) {
            env.createTopics(PARTITIONS);
            // Inputs are the operator's: one who backfills month-old data keeps it there (else the
            // broker deletes it before it is read; repeats sent later too).
            ConfigResource input = new ConfigResource(ConfigResource.Type.TOPIC, env.topics.deliveryEvents().name());
            admin.incrementalAlterConfigs(Map.of(input, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "-1"),
                    AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
            String control = "it-" + env.id + ".control";
            kafka.createTopics(Map.of(control, 1)); // broker defaults, as `run` used to create outputs
            long controlWritten = produceControl(env, control);

            ExpectedDeliveryKpis expected = new ExpectedDeliveryKpis();
            int accepted = produceBackfill(env, expected);
            try (Pipeline pipeline = new Pipeline(env.config, env.options(PARTITIONS)).start()) {
                List<ConsumerRecord<String, DeliveryKpi>> seen = env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                        Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> ExpectedDeliveryKpis.finals(read).size() >= expected.windows.size(), BUDGET);
                assertThat(ExpectedDeliveryKpis.finals(seen)).as("finals while running")
                        .hasSameSizeAs(expected.windows);
                send(env, 0, event("late", "north", start.plus(Duration.ofMinutes(30)), 600)); // all its windows closed
                assertThat(env.readUntil(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                        Serdes.ByteArray().deserializer(), read -> !read.isEmpty(), BUDGET)).isNotEmpty();
                assertThat(pipeline.failure()).isNull();
            }
            // Written after every output record: once the broker deleted these, it has judged every
            // output record written before them by the same retention rules.
            controlWritten += produceControl(env, control);
            awaitDeleted(admin, control, controlWritten);

            List<ConsumerRecord<String, DeliveryKpi>> kpis = env.readAll(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                    Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer());
            expected.assertMatches(kpis);
            long monthOld = Instant.now().minus(Duration.ofDays(28)).toEpochMilli();
            assertThat(kpis.stream().filter(r -> r.value().getFinal$()).map(ConsumerRecord::timestamp)
                    .filter(t -> t < monthOld).count()).as("finals stamped with month-old event times")
                    .isPositive();

            assertAppendTimeWithOriginalInHeader(env, env.topics.lateEvents().name(), start.plus(Duration.ofMinutes(30)));
            assertAppendTimeWithOriginalInHeader(env, env.topics.dlq().name(), start.plus(Duration.ofHours(5)));
            String changelog = env.config.applicationId() + "-delivery-dedup-changelog";
            assertThat(env.readAll(changelog, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer()))
                    .as("dedup changelog entries: every accepted event, clocks and the late one").hasSize(accepted + 1);
            List<String> kept = new ArrayList<>(env.config.topics().outputs());
            kept.add(changelog);
            for (String topic : kept) {
                assertThat(earliestOffsets(admin, topic)).as("nothing deleted from " + topic).containsOnly(0L);
            }
            assertRestoredDedupDropsRepeats(env);
        }
    }

    /**
     * A new instance on empty state restores the dedup store from its changelog: repeats of the
     * backfill's first events (the entries a time-judged changelog loses first) are dropped as
     * duplicates, not counted (late) again.
     */
    private void assertRestoredDedupDropsRepeats(ItEnvironment env) throws InterruptedException {
        List<DeliveryEvent> repeats = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            List<DeliveryEvent> first = firstEvents.get(p);
            send(env, p, first.toArray(DeliveryEvent[]::new));
            repeats.addAll(first);
        }
        PipelineMetrics metrics = PipelineMetrics.inMemory();
        Map<String, Integer> partitions = new java.util.HashMap<>();
        env.config.topics().inputs().forEach(t -> partitions.put(t, PARTITIONS));
        var restored = env.configWith(Map.of("state.dir", env.stateDir.resolve("restored").toString()));
        try (Pipeline pipeline = new Pipeline(restored, new TopologyOptions(env.registry, metrics, partitions, false))
                .start()) {
            long deadline = System.nanoTime() + BUDGET.toNanos();
            while (dropped(metrics) < repeats.size() && pipeline.failure() == null && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(pipeline.failure()).isNull();
        }
        assertThat(dropped(metrics)).as("repeats dropped by the restored dedup store").isEqualTo(repeats.size());
    }

    private static double dropped(PipelineMetrics metrics) {
        // One series per input topic (all start at 0): the repeats' topic holds the count.
        return metrics.registry().find("lastmile.duplicates.dropped").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** 200 records stamped 35 days ago into the control topic; returns how many. */
    private static long produceControl(ItEnvironment env, String topic) {
        long old = Instant.now().minus(Duration.ofDays(35)).toEpochMilli();
        try (KafkaProducer<String, String> producer = env.producer(Serdes.String().serializer(),
                Serdes.String().serializer())) {
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>(topic, 0, old + i, "k" + i, "v" + i));
            }
            producer.flush();
        }
        return 200;
    }

    /**
     * {@value DAYS} days of delivery events from {@link #start}, in time order per partition with a
     * few minutes of disorder and some repeats; one invalid record (DLQ); then clock events past
     * every window's end + grace. Returns how many distinct events the pipeline accepts.
     */
    private int produceBackfill(ItEnvironment env, ExpectedDeliveryKpis expected) {
        Random random = new Random(7);
        int accepted = 0;
        long span = Duration.ofDays(DAYS).toMillis();
        for (int p = 0; p < PARTITIONS; p++) {
            int count = EVENTS * (p == 0 ? 2 : 1) / 3;
            List<DeliveryEvent> events = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long t = start.toEpochMilli() + span * i / count + random.nextInt(180_000);
                events.add(event("p" + p + "-" + i, REGIONS.get(random.nextInt(REGIONS.size())),
                        Instant.ofEpochMilli(t), random.nextInt(40) - 25));
                if (random.nextInt(50) == 0) {
                    events.add(events.get(events.size() - 1)); // a repeat: counted once
                }
            }
            send(env, p, events.toArray(DeliveryEvent[]::new));
            firstEvents.add(events.stream().distinct().limit(10).toList());
            events.forEach(expected::add);
            accepted += (int) events.stream().map(DeliveryEvent::getEventId).distinct().count();
        }
        DeliveryEvent invalid = DeliveryEvent.newBuilder(event("bad", "north", start.plus(Duration.ofHours(5)), 0))
                .setCostCents(-1).build();
        send(env, 1, invalid);
        Instant closeAll = start.plus(Duration.ofDays(DAYS + 1)).plus(Duration.ofHours(2));
        for (int p = 0; p < PARTITIONS; p++) {
            send(env, p, event("clock-" + p, ExpectedDeliveryKpis.CLOCK_REGION, closeAll, 0));
            accepted++;
        }
        return accepted;
    }

    private static DeliveryEvent event(String id, String region, Instant time, int minutesLate) {
        DeliveryStatus status = Math.abs(id.hashCode()) % 10 == 0 ? DeliveryStatus.FAILED : DeliveryStatus.DELIVERED;
        return BacklogIntegrationTest.event(id, region, status, time, minutesLate);
    }

    /** Sends events to one partition, each stamped with its event time as producers usually do. */
    private static void send(ItEnvironment env, int partition, DeliveryEvent... events) {
        String topic = env.topics.deliveryEvents().name();
        try (KafkaProducer<String, DeliveryEvent> producer = env.producer(Serdes.String().serializer(),
                env.topics.deliveryEvents().valueSerde().serializer())) {
            for (DeliveryEvent e : events) {
                producer.send(new ProducerRecord<>(topic, partition, e.getEventTime().toEpochMilli(),
                        e.getDeliveryId(), e));
            }
            producer.flush();
        }
    }

    /** Waits until retention deleted every record of {@code topic} (its log starts at its end). */
    private static void awaitDeleted(Admin admin, String topic, long written) throws Exception {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        List<Long> earliest = earliestOffsets(admin, topic);
        while (earliest.get(0) < written && System.nanoTime() < deadline) {
            Thread.sleep(200);
            earliest = earliestOffsets(admin, topic);
        }
        assertThat(earliest).as("control topic with broker defaults: month-old records deleted").containsExactly(written);
    }

    private static List<Long> earliestOffsets(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.earliest());
        }
        return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                .map(i -> i.offset()).collect(Collectors.toList());
    }

    /**
     * The record (the late one can be late for two KPI families, delivery and route complaints):
     * stamped by the broker (recent), its month-old timestamp kept in the header.
     */
    private static void assertAppendTimeWithOriginalInHeader(ItEnvironment env, String topic, Instant original) {
        List<ConsumerRecord<byte[], byte[]>> records = env.readAll(topic, Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
        assertThat(records).as(topic).isNotEmpty().allSatisfy(r -> {
            assertThat(r.timestampType()).as(topic).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(r.timestamp()).as(topic).isGreaterThan(Instant.now().minus(Duration.ofHours(1)).toEpochMilli());
            assertThat(new String(r.headers().lastHeader(RecordHeaderNames.ORIGINAL_TIMESTAMP).value(),
                    StandardCharsets.UTF_8)).as(topic).isEqualTo(original.toString());
        });
    }
}
