package dev.lastmile.kpi.sim;

import dev.lastmile.kpi.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the simulator into Kafka in real time: simulated time runs {@code speedup} times faster
 * than the wall clock, so hourly windows close within a minute when the speed-up is 120 or more.
 * Records carry their event time as timestamp; a few are broken on purpose, and now and then one
 * is not Avro at all, so the DLQ always has something to show.
 *
 * <p>{@link #resume()} continues a simulation whose earlier run left records in the topics (a
 * demo killed with kill -9): the simulator replays its events without sending those each
 * partition already holds, sends the ones that never arrived, and its clock picks up where the
 * last one sent was. What is in the topics is the checkpoint, so nothing is sent twice.
 */
public final class KafkaSimulation implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSimulation.class);
    private static final long TICK_MS = 100;
    /** Steps of simulated time while replaying; the clock resumes at most this far after the last record sent. */
    private static final long REPLAY_STEP_MS = 1_000;

    /** One record as the simulator sends it; the partition is chosen here so a replay knows it too. */
    private record Outgoing(String topic, int partition, long timestamp, byte[] key, byte[] value) {
    }

    /** How a simulation resumed: events found in the topics, and the simulated time it goes on from. */
    public record Resumed(long eventsFound, long eventsResent, Instant clock) {
    }

    private final Simulator simulator;
    private final SimulationSettings settings;
    private final double speedup;
    private final Topics topics;
    private final Properties clientProperties;
    private final KafkaProducer<byte[], byte[]> producer;
    private final StringSerializer keys = new StringSerializer();
    private final Map<String, Integer> partitionCounts = new HashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private volatile long simOrigin;
    private volatile long wallOrigin = -1;
    /** Simulated time up to which every event has been handed to the producer. */
    private volatile long sentUpTo;
    private volatile boolean stopped;

    public KafkaSimulation(Properties clientProperties, Topics topics, SimulationSettings settings, double speedup) {
        this.simulator = new Simulator(settings);
        this.settings = settings;
        this.speedup = speedup;
        this.topics = topics;
        this.clientProperties = clientProperties;
        this.simOrigin = settings.start().toEpochMilli();
        this.sentUpTo = simOrigin;
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        // Ordered and never overtaken: a retried batch cannot fall behind a later one, so each
        // partition holds a prefix of what was sent to it, which resume() relies on.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Call before {@link #run()} when the topics may hold records of an earlier run of this same
     * simulation (same settings and seed): afterwards the simulation continues from there.
     *
     * @throws IllegalStateException if the topics hold records this simulation would not have sent
     */
    public Resumed resume() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : inputTopics()) {
            for (int p = 0; p < partitions(topic); p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        }
        Map<TopicPartition, Long> remaining = new HashMap<>();
        Map<TopicPartition, ConsumerRecord<byte[], byte[]>> last = lastRecords(partitions, remaining);
        long found = remaining.values().stream().mapToLong(Long::longValue).sum();
        if (found == 0) {
            return new Resumed(0, 0, settings.start());
        }
        // Every record was sent at most maxDisorder plus a minute (a duplicate) after its event time.
        long limit = last.values().stream().mapToLong(ConsumerRecord::timestamp).max().orElseThrow()
                + settings.maxDisorder().toMillis() + Duration.ofMinutes(2).toMillis();
        long left = found;
        long t = settings.start().toEpochMilli();
        List<Outgoing> missing = new ArrayList<>();
        while (left > 0) {
            if (t > limit) {
                throw new IllegalStateException(left + " of the " + found + " records in " + inputTopics()
                        + " were not sent by this simulation (seed " + settings.seed() + " from " + settings.start()
                        + "); use a new data directory");
            }
            t += REPLAY_STEP_MS;
            for (SimEvent e : simulator.advanceTo(t)) {
                Outgoing o = prepare(e);
                TopicPartition tp = new TopicPartition(o.topic(), o.partition());
                long before = remaining.get(tp);
                if (left == 0 || before == 0) {
                    missing.add(o); // sent before the kill but never written, or after the last one written
                    continue;
                }
                remaining.put(tp, before - 1);
                left--;
                if (before == 1) {
                    requireSame(last.get(tp), o);
                }
            }
        }
        missing.forEach(this::send);
        simOrigin = t;
        sentUpTo = t;
        return new Resumed(found, missing.size(), Instant.ofEpochMilli(t));
    }

    /** The last record of each non-empty partition; {@code counts} gets how many each holds. */
    private Map<TopicPartition, ConsumerRecord<byte[], byte[]>> lastRecords(List<TopicPartition> partitions,
                                                                          Map<TopicPartition, Long> counts) {
        Map<TopicPartition, ConsumerRecord<byte[], byte[]>> last = new HashMap<>();
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            // The idempotent producer writes no gaps and no markers: the end offset is the count.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            counts.putAll(ends);
            List<TopicPartition> nonEmpty = partitions.stream().filter(tp -> ends.get(tp) > 0).toList();
            consumer.assign(nonEmpty);
            nonEmpty.forEach(tp -> consumer.seek(tp, ends.get(tp) - 1));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (last.size() < nonEmpty.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    last.put(new TopicPartition(r.topic(), r.partition()), r);
                }
            }
            if (last.size() < nonEmpty.size()) {
                throw new IllegalStateException("Cannot read the last records of " + nonEmpty + " to resume from");
            }
        }
        return last;
    }

    private void requireSame(ConsumerRecord<byte[], byte[]> found, Outgoing replayed) {
        if (found.timestamp() != replayed.timestamp() || !Arrays.equals(found.key(), replayed.key())
                || !Arrays.equals(found.value(), replayed.value())) {
            throw new IllegalStateException("Record " + found.offset() + " of " + found.topic() + "-"
                    + found.partition() + " is not what this simulation (seed " + settings.seed() + " from "
                    + settings.start() + ") sent there; use a new data directory");
        }
    }

    /** Starts the simulated clock now (at the start, or where {@link #resume()} left it); {@link #run()} does if not. */
    public synchronized void startClock() {
        if (wallOrigin < 0) {
            wallOrigin = System.currentTimeMillis();
        }
    }

    /** The simulated clock's reading at a wall-clock time; its origin until the clock starts. */
    public long simulatedTime(long wallMs) {
        long origin = wallOrigin;
        return origin < 0 ? simOrigin : simOrigin + (long) ((wallMs - origin) * speedup);
    }

    /**
     * Simulated time up to which every event has been sent: a consumer that has read a partition to
     * its end has seen everything before it (give or take the producer's linger), however far a
     * busy machine let this thread fall behind the clock. The demo's "now" for the pipeline.
     */
    public long sentUpTo() {
        return sentUpTo;
    }

    @Override
    public void run() {
        startClock();
        try {
            while (!stopped) {
                long now = simulatedTime(System.currentTimeMillis());
                simulator.advanceTo(now).forEach(e -> send(prepare(e)));
                sentUpTo = now;
                Thread.sleep(TICK_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopped) {
                LOG.error("Simulator stopped: {}", e.toString());
            }
        }
    }

    private List<String> inputTopics() {
        return List.of(topics.deliveryEvents().name(), topics.ticketEvents().name(), topics.surveyResponses().name());
    }

    private int partitions(String topic) {
        return partitionCounts.computeIfAbsent(topic, t -> producer.partitionsFor(t).size());
    }

    private Outgoing prepare(SimEvent e) {
        String topic = switch (e.source()) {
            case DELIVERY -> topics.deliveryEvents().name();
            case TICKET -> topics.ticketEvents().name();
            case SURVEY -> topics.surveyResponses().name();
        };
        byte[] value = serializer(e).serialize(topic, e.event());
        if (e.invalid()) {
            invalid.incrementAndGet();
            if (invalid.get() % 5 == 0) {
                value = ("not avro: " + e.invalidReason()).getBytes(StandardCharsets.UTF_8);
            }
        }
        byte[] key = keys.serialize(topic, e.key());
        // The producer's default for a keyed record, chosen here so that a replay can tell where it went.
        int partition = Utils.toPositive(Utils.murmur2(key)) % partitions(topic);
        return new Outgoing(topic, partition, e.timeMs(), key, value);
    }

    private void send(Outgoing o) {
        producer.send(new ProducerRecord<>(o.topic(), o.partition(), o.timestamp(), o.key(), o.value()));
        sent.incrementAndGet();
    }

    @SuppressWarnings("unchecked")
    private Serializer<Object> serializer(SimEvent e) {
        return (Serializer<Object>) (Serializer<?>) switch (e.source()) {
            case DELIVERY -> topics.deliveryEvents().valueSerde().serializer();
            case TICKET -> topics.ticketEvents().valueSerde().serializer();
            case SURVEY -> topics.surveyResponses().valueSerde().serializer();
        };
    }

    public SimulationSettings settings() {
        return settings;
    }

    public long sent() {
        return sent.get();
    }

    public long invalidSent() {
        return invalid.get();
    }

    @Override
    public void close() {
        stopped = true;
        producer.close(Duration.ofSeconds(5));
    }
}
