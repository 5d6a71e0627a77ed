package dev.lastmile.kpi.bench;

import dev.lastmile.kpi.sim.JsonLinesHistory;
import dev.lastmile.kpi.sim.SimEvent;
import dev.lastmile.kpi.sim.SimulationSettings;
import dev.lastmile.kpi.sim.Simulator;
import dev.lastmile.kpi.topology.Topic;
import dev.lastmile.kpi.topology.Topics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The history every measurement reads: exactly {@code events} simulated events (seeded, so the same
 * every run), written to the input topics before anything reads them, and the same events as the
 * JSON Lines history that {@code replay} reads for the correctness check.
 *
 * @param end event time of the last event
 */
record Backlog(long events, Instant start, Instant end, double seconds, Path history) {

    /** Simulated hours the history spans at the simulator's shape: the 72 h backlog. */
    static final Duration SPAN = Duration.ofHours(72);
    static final Instant START = Instant.parse("2026-11-02T00:00:00Z");

    double spanHours() {
        return Math.max(1, Duration.between(start, end).toMillis() / 3_600_000.0);
    }

    /** Simulator settings that make about {@code events} events over {@link #SPAN}. */
    static SimulationSettings settings(long seed, long events) {
        SimulationSettings defaults = SimulationSettings.defaults(seed, START);
        double perRegionHour = events / (double) SPAN.toHours() / defaults.regions().size()
                / Simulator.EVENTS_PER_DELIVERY;
        return defaults.withDeliveriesPerHour(Math.max(0.1, perRegionHour));
    }

    static Backlog load(Properties clientProperties, Topics topics, SimulationSettings settings, long events,
                        Path history) throws IOException {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "20");
        p.put("batch.size", Integer.toString(256 * 1024));
        p.put("client.id", "bench-loader");
        long startNanos = System.nanoTime();
        Simulator simulator = new Simulator(settings);
        StringSerializer keys = new StringSerializer();
        long written = 0;
        long last = settings.start().toEpochMilli();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer());
             BufferedWriter out = Files.newBufferedWriter(history, StandardCharsets.UTF_8)) {
            // An hour at a time (memory stays flat) until exactly `events`; the history's tail is cut there.
            for (long t = settings.start().toEpochMilli(); written < events; t += 3_600_000L) {
                for (SimEvent e : simulator.advanceTo(t)) {
                    if (written == events) {
                        break;
                    }
                    Topic<String, ? extends SpecificRecord> topic = topicOf(topics, e);
                    @SuppressWarnings("unchecked")
                    Serializer<SpecificRecord> values = (Serializer<SpecificRecord>) topic.valueSerde().serializer();
                    // Keyed records, no partition given: Kafka's default partitioner, as real producers use.
                    producer.send(new ProducerRecord<>(topic.name(), null, e.timeMs(),
                            keys.serialize(topic.name(), e.key()), values.serialize(topic.name(), e.event())));
                    out.write(JsonLinesHistory.line(e));
                    out.newLine();
                    last = Math.max(last, e.timeMs());
                    written++;
                }
            }
            producer.flush();
        }
        return new Backlog(written, settings.start(), Instant.ofEpochMilli(last), (System.nanoTime() - startNanos) / 1e9,
                history);
    }

    static Topic<String, ? extends SpecificRecord> topicOf(Topics topics, SimEvent e) {
        return switch (e.source()) {
            case DELIVERY -> topics.deliveryEvents();
            case TICKET -> topics.ticketEvents();
            case SURVEY -> topics.surveyResponses();
        };
    }
}
