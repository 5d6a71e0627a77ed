package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.sim.KafkaSimulation;
import dev.lastmile.kpi.sim.SimEvent;
import dev.lastmile.kpi.sim.SimulationSettings;
import dev.lastmile.kpi.sim.Simulator;
import dev.lastmile.kpi.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A simulation resumed from what its input topics hold (what a demo killed with kill -9 left):
 * afterwards every partition holds exactly what one uninterrupted run would have sent there,
 * records lost in flight (the tail of one partition) sent again, nothing twice; and topics that
 * another simulation wrote are refused instead of being continued with conflicting events.
 */
@Tag("integration")
@Timeout(180)
class SimulationResumeIntegrationTest {

    private static final int PARTITIONS = 3;
    private static final int LOST = 25;

    @Test
    void shouldSendWhatNeverArrivedAndNothingTwiceWhenResumingFromTheTopics() throws Exception {
        try (ItEnvironment first = new ItEnvironment(SharedBroker.get(), Map.of());
             ItEnvironment resumed = new ItEnvironment(SharedBroker.get(), Map.of())) {
            first.createTopics(PARTITIONS);
            resumed.createTopics(PARTITIONS);
            SimulationSettings settings = SimulationSettings.defaults(11, Instant.now().minus(Duration.ofDays(2))
                    .truncatedTo(ChronoUnit.HOURS)).withRegions(List.of("north", "south")).withRoutes(4)
                    .withDeliveriesPerHour(300).withNoise(0.05, 0.05, 0);
            // Both sets of topics with the first registry, so the bytes of a record are the same in each.
            Topics resumedTopics = Topics.of(resumed.config.topics(), first.registry);
            try (KafkaSimulation run = new KafkaSimulation(first.config.clientProperties(), first.topics, settings,
                    36_000)) {
                runUntilSent(run, 3_000);
            }
            // The resumed topics get what the first run wrote, less the tail of one partition: lost
            // in flight at the kill, after other partitions had got later records.
            List<ConsumerRecord<byte[], byte[]>> written = readInputs(first);
            ConsumerRecord<byte[], byte[]> lastOfDeliveries0 = written.stream()
                    .filter(r -> r.topic().equals(first.topics.deliveryEvents().name()) && r.partition() == 0)
                    .reduce((a, b) -> b).orElseThrow();
            long copied = 0;
            long newestCopied = Long.MIN_VALUE;
            try (KafkaProducer<byte[], byte[]> producer = resumed.producer(Serdes.ByteArray().serializer(),
                    Serdes.ByteArray().serializer())) {
                for (ConsumerRecord<byte[], byte[]> r : written) {
                    boolean lost = r.topic().equals(first.topics.deliveryEvents().name()) && r.partition() == 0
                            && r.offset() > lastOfDeliveries0.offset() - LOST;
                    if (!lost) {
                        producer.send(new ProducerRecord<>(r.topic().replace(first.id, resumed.id), r.partition(),
                                r.timestamp(), r.key(), r.value()));
                        copied++;
                        newestCopied = Math.max(newestCopied, r.timestamp());
                    }
                }
            }

            try (KafkaSimulation run = new KafkaSimulation(resumed.config.clientProperties(), resumedTopics, settings,
                    36_000)) {
                KafkaSimulation.Resumed at = run.resume();
                assertThat(at.eventsFound()).isEqualTo(copied);
                // Lost records from before the resumed clock are sent at once, the others when it reaches them.
                assertThat(at.eventsResent()).as("lost records sent again at once").isPositive();
                // The clock resumes from what the topics hold; a lost record may be newer than it.
                assertThat(at.clock()).isAfterOrEqualTo(Instant.ofEpochMilli(newestCopied));
                runUntilSent(run, 3_000);
            }

            Map<String, List<byte[]>> expected = uninterrupted(settings, resumedTopics);
            Map<String, List<byte[]>> actual = new HashMap<>();
            readInputs(resumed).forEach(r -> actual.computeIfAbsent(r.topic() + "-" + r.partition(),
                    k -> new ArrayList<>()).add(r.value()));
            assertThat(actual).hasSize(3 * PARTITIONS);
            actual.forEach((partition, values) -> {
                List<byte[]> reference = expected.get(partition).subList(0, values.size());
                for (int i = 0; i < values.size(); i++) {
                    assertThat(values.get(i)).as("offset %d of %s", i, partition).isEqualTo(reference.get(i));
                }
            });

            // Topics of another simulation (another seed) are not continued.
            try (KafkaSimulation other = new KafkaSimulation(resumed.config.clientProperties(), resumedTopics,
                    SimulationSettings.defaults(12, settings.start()).withRegions(settings.regions())
                            .withRoutes(4).withDeliveriesPerHour(300).withNoise(0.05, 0.05, 0), 36_000)) {
                assertThatThrownBy(other::resume).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("use a new data directory");
            }
        }
    }

    /** Per "topic-partition", the values one uninterrupted simulation sends there, well past both runs. */
    private static Map<String, List<byte[]>> uninterrupted(SimulationSettings settings, Topics topics) {
        Map<String, List<byte[]>> out = new HashMap<>();
        Simulator simulator = new Simulator(settings);
        for (SimEvent e : simulator.advanceTo(settings.start().plus(Duration.ofDays(3)).toEpochMilli())) {
            String topic = switch (e.source()) {
                case DELIVERY -> topics.deliveryEvents().name();
                case TICKET -> topics.ticketEvents().name();
                case SURVEY -> topics.surveyResponses().name();
            };
            @SuppressWarnings("unchecked")
            Serializer<Object> values = (Serializer<Object>) (Serializer<?>) switch (e.source()) {
                case DELIVERY -> topics.deliveryEvents().valueSerde().serializer();
                case TICKET -> topics.ticketEvents().valueSerde().serializer();
                case SURVEY -> topics.surveyResponses().valueSerde().serializer();
            };
            byte[] key = Serdes.String().serializer().serialize(topic, e.key());
            int partition = Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
            out.computeIfAbsent(topic + "-" + partition, k -> new ArrayList<>()).add(values.serialize(topic, e.event()));
        }
        return out;
    }

    private static void runUntilSent(KafkaSimulation simulation, long events) throws InterruptedException {
        Thread thread = new Thread(simulation, "test-simulator");
        thread.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (simulation.sent() < events) {
            assertThat(System.nanoTime()).as("the simulator sent %d events in time", events).isLessThan(deadline);
            Thread.sleep(50);
        }
        simulation.close();
        thread.join(10_000);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readInputs(ItEnvironment env) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        for (String topic : env.config.topics().inputs()) {
            all.addAll(env.readAll(topic, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer()));
        }
        all.sort(java.util.Comparator.comparing((ConsumerRecord<byte[], byte[]> r) -> r.topic())
                .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset));
        return all;
    }
}
