package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.embedded.EmbeddedKafka;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.topology.TopologyOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watermark requirement on a real broker: a multi-day backlog on several input partitions,
 * all written before the pipeline starts, is processed with nothing counted late, and every final
 * KPI equals a brute-force recomputation from the produced events. Kafka Streams' own stream-time
 * windows lose 36-56% of such a backlog (platform notes); this pipeline must lose none.
 */
@Tag("integration")
@Timeout(300)
class BacklogIntegrationTest {

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final int PARTITIONS = 3;
    private static final int DAYS = 3;
    private static final int EVENTS = 30_000;
    private static final List<String> REGIONS = List.of("north", "south", "east", "west");

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldProcessAMultiDayBacklogOnSeveralPartitionsWithNothingLateAndKpisEqualToARecomputation()
            throws Exception {
        try (ItEnvironment env = new ItEnvironment(kafka, Map.of())) {
            env.createTopics(PARTITIONS);
            ExpectedDeliveryKpis expected = new ExpectedDeliveryKpis();
            Random random = new Random(42);
            // Per partition, events in time order with up to 5 minutes of disorder; partitions of
            // very different sizes, so they are read at different event-time speeds.
            int[] share = {55, 30, 15};
            try (KafkaProducer<String, DeliveryEvent> producer = env.producer(Serdes.String().serializer(),
                    env.topics.deliveryEvents().valueSerde().serializer())) {
                for (int p = 0; p < PARTITIONS; p++) {
                    List<DeliveryEvent> events = partitionEvents(random, p, EVENTS * share[p] / 100);
                    for (DeliveryEvent e : events) {
                        producer.send(new ProducerRecord<>(env.topics.deliveryEvents().name(), p,
                                e.getEventTime().toEpochMilli(), e.getDeliveryId(), e));
                        expected.add(e);
                        if (random.nextInt(100) == 0) { // a producer retry: the same event again
                            producer.send(new ProducerRecord<>(env.topics.deliveryEvents().name(), p,
                                    e.getEventTime().toEpochMilli(), e.getDeliveryId(), e));
                        }
                    }
                }
                // Each partition then moves past the last window's end + grace, closing everything.
                Instant closeAll = START.plus(Duration.ofDays(DAYS + 1)).plus(Duration.ofHours(2));
                for (int p = 0; p < PARTITIONS; p++) {
                    DeliveryEvent clock = event("clock-" + p, "zz-clock", DeliveryStatus.DELIVERED, closeAll, 0);
                    producer.send(new ProducerRecord<>(env.topics.deliveryEvents().name(), p,
                            closeAll.toEpochMilli(), clock.getDeliveryId(), clock));
                }
                producer.flush();
            }

            TopologyOptions options = new TopologyOptions(env.registry, PipelineMetrics.inMemory(),
                    Map.of(env.config.topics().deliveryEvents(), PARTITIONS,
                            env.config.topics().ticketEvents(), 1, env.config.topics().surveyResponses(), 1), false);
            List<ConsumerRecord<String, DeliveryKpi>> records;
            try (Pipeline pipeline = new Pipeline(env.config, options).start()) {
                int wanted = expected.windows.size();
                records = env.readUntil(env.topics.kpiDelivery().name(), Serdes.String().deserializer(),
                        env.topics.kpiDelivery().valueSerde().deserializer(),
                        read -> finals(read).size() >= wanted, Duration.ofSeconds(180));
                assertThat(pipeline.failure()).isNull();
            }

            Map<String, DeliveryKpi> finals = finals(records);
            assertThat(finals.keySet()).containsExactlyInAnyOrderElementsOf(expected.windows.keySet());
            long finalCount = records.stream().filter(r -> r.value().getFinal$()
                    && !r.value().getRegion().equals("zz-clock")).count();
            assertThat(finalCount).as("exactly one final record per key and window").isEqualTo(finals.size());
            expected.windows.forEach((key, sums) -> {
                DeliveryKpi k = finals.get(key);
                assertThat(k.getDeliveries()).as(key).isEqualTo(sums.deliveries);
                assertThat(k.getDelivered()).as(key).isEqualTo(sums.delivered);
                assertThat(k.getFailed()).as(key).isEqualTo(sums.failed);
                assertThat(k.getOnTime()).as(key).isEqualTo(sums.onTime);
                assertThat(k.getLateDelivered()).as(key).isEqualTo(sums.late);
                assertThat(k.getCostCents()).as(key).isEqualTo(sums.cost);
                assertThat(k.getOnTimeRate()).as(key).isEqualTo((double) sums.onTime / sums.deliveries);
                assertThat(k.getAvgDelayMinutes()).as(key)
                        .isEqualTo(sums.late == 0 ? null : sums.delayMillis / 60_000.0 / sums.late);
            });
            assertThat(env.readAll(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("late records").isEmpty();
            assertThat(env.readAll(env.topics.dlq().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("DLQ records").isEmpty();
        }
    }

    /** Final records by "region|WINDOW|startMillis", leaving out the clock region. */
    private static Map<String, DeliveryKpi> finals(List<ConsumerRecord<String, DeliveryKpi>> records) {
        Map<String, DeliveryKpi> finals = new HashMap<>();
        for (ConsumerRecord<String, DeliveryKpi> r : records) {
            DeliveryKpi k = r.value();
            if (k.getFinal$() && !k.getRegion().equals("zz-clock")) {
                finals.put(k.getRegion() + "|" + k.getWindow() + "|" + k.getWindowStart().toEpochMilli(), k);
            }
        }
        return finals;
    }

    private static List<DeliveryEvent> partitionEvents(Random random, int partition, int count) {
        long span = Duration.ofDays(DAYS).toMillis();
        List<DeliveryEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long t = START.toEpochMilli() + span * i / count + random.nextInt(300_000); // <= 5 min disorder
            String region = REGIONS.get(random.nextInt(REGIONS.size()));
            DeliveryStatus status = random.nextInt(10) == 0 ? DeliveryStatus.FAILED
                    : random.nextInt(8) == 0 ? DeliveryStatus.OUT_FOR_DELIVERY : DeliveryStatus.DELIVERED;
            events.add(event("p" + partition + "-" + i, region, status, Instant.ofEpochMilli(t),
                    random.nextInt(40) - 25));
        }
        return events.stream().collect(Collectors.toList());
    }

    /** An event {@code minutesLate} after its promise (negative: early). */
    private static DeliveryEvent event(String id, String region, DeliveryStatus status, Instant time, int minutesLate) {
        return DeliveryEvent.newBuilder().setEventId("ev-" + id).setDeliveryId("d-" + id)
                .setRouteId(region + "-r" + (Math.abs(id.hashCode()) % 7)).setDriverId("drv-" + (Math.abs(id.hashCode()) % 50))
                .setRegion(region).setStatus(status).setEventTime(time)
                .setPromisedBy(time.minus(Duration.ofMinutes(minutesLate)))
                .setCostCents(400 + Math.abs(id.hashCode()) % 500).build();
    }
}
