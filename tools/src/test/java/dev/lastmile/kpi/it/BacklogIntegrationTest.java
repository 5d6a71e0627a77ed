package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
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
    static final int PARTITIONS = 3;
    private static final int DAYS = 3;
    private static final int EVENTS = 30_000;
    private static final List<String> REGIONS = List.of("north", "south", "east", "west");


    @Test
    void shouldProcessAMultiDayBacklogOnSeveralPartitionsWithNothingLateAndKpisEqualToARecomputation()
            throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of())) {
            env.createTopics(PARTITIONS);
            ExpectedDeliveryKpis expected = produceBacklog(env, EVENTS);

            List<ConsumerRecord<String, DeliveryKpi>> records = env.runUntilAllFinals(env.config, PARTITIONS, expected);
            expected.assertMatches(records);
            assertThat(env.readAll(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("late records").isEmpty();
            assertThat(env.readAll(env.topics.dlq().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("DLQ records").isEmpty();
        }
    }

    /**
     * Writes a {@value DAYS}-day backlog of about {@code events} delivery events to the
     * {@value PARTITIONS} partitions of the delivery topic, in time order per partition with up to
     * 5 minutes of disorder, partitions of very different sizes (so they are read at different
     * event-time speeds), 1% producer retries; then one clock event per partition past every
     * window's end + grace. Returns the brute-force expectation.
     */
    static ExpectedDeliveryKpis produceBacklog(ItEnvironment env, int total) {
        ExpectedDeliveryKpis expected = new ExpectedDeliveryKpis();
        Random random = new Random(42);
        int[] share = {55, 30, 15};
        String topic = env.topics.deliveryEvents().name();
        try (KafkaProducer<String, DeliveryEvent> producer = env.producer(Serdes.String().serializer(),
                env.topics.deliveryEvents().valueSerde().serializer())) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (DeliveryEvent e : partitionEvents(random, p, total * share[p] / 100)) {
                    long time = e.getEventTime().toEpochMilli();
                    producer.send(new ProducerRecord<>(topic, p, time, e.getDeliveryId(), e));
                    expected.add(e);
                    if (random.nextInt(100) == 0) { // a producer retry: the same event again
                        producer.send(new ProducerRecord<>(topic, p, time, e.getDeliveryId(), e));
                    }
                }
            }
            Instant closeAll = START.plus(Duration.ofDays(DAYS + 1)).plus(Duration.ofHours(2));
            for (int p = 0; p < PARTITIONS; p++) {
                DeliveryEvent clock = event("clock-" + p, ExpectedDeliveryKpis.CLOCK_REGION, DeliveryStatus.DELIVERED,
                        closeAll, 0);
                producer.send(new ProducerRecord<>(topic, p, closeAll.toEpochMilli(), clock.getDeliveryId(), clock));
            }
            producer.flush();
        }
        return expected;
    }

    static List<DeliveryEvent> partitionEvents(Random random, int partition, int count) {
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
    static DeliveryEvent event(String id, String region, DeliveryStatus status, Instant time, int minutesLate) {
        return DeliveryEvent.newBuilder().setEventId("ev-" + id).setDeliveryId("d-" + id)
                .setRouteId(region + "-r" + (Math.abs(id.hashCode()) % 7)).setDriverId("drv-" + (Math.abs(id.hashCode()) % 50))
                .setRegion(region).setStatus(status).setEventTime(time)
                .setPromisedBy(time.minus(Duration.ofMinutes(minutesLate)))
                .setCostCents(400 + Math.abs(id.hashCode()) % 500).build();
    }
}
