package dev.lastmile.kpi.sim;

import dev.lastmile.kpi.topology.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the simulator into Kafka in real time: simulated time runs {@code speedup} times faster
 * than the wall clock, so hourly windows close within a minute when the speed-up is 120 or more.
 * Records carry their event time as timestamp; a few are broken on purpose, and now and then one
 * is not Avro at all, so the DLQ always has something to show.
 */
public final class KafkaSimulation implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSimulation.class);
    private static final long TICK_MS = 100;

    private final Simulator simulator;
    private final SimulationSettings settings;
    private final double speedup;
    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private volatile boolean stopped;

    public KafkaSimulation(Properties clientProperties, Topics topics, SimulationSettings settings, double speedup) {
        this.simulator = new Simulator(settings);
        this.settings = settings;
        this.speedup = speedup;
        this.topics = topics;
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        // Ordered and never overtaken: a retried batch cannot fall behind a later one.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void run() {
        long wallStart = System.currentTimeMillis();
        long simStart = settings.start().toEpochMilli();
        StringSerializer keys = new StringSerializer();
        try {
            while (!stopped) {
                long simNow = simStart + (long) ((System.currentTimeMillis() - wallStart) * speedup);
                send(simulator.advanceTo(simNow), keys);
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

    private void send(List<SimEvent> events, StringSerializer keys) {
        for (SimEvent e : events) {
            String topic = switch (e.source()) {
                case DELIVERY -> topics.deliveryEvents().name();
                case TICKET -> topics.ticketEvents().name();
                case SURVEY -> topics.surveyResponses().name();
            };
            byte[] value = serializer(e).serialize(topic, e.event());
            if (e.invalid()) {
                invalid.incrementAndGet();
                if (invalid.get() % 5 == 0) {
                    value = ("not avro: " + e.invalidReason()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            producer.send(new ProducerRecord<>(topic, null, e.timeMs(), keys.serialize(topic, e.key()), value));
            sent.incrementAndGet();
        }
    }

    @SuppressWarnings("unchecked")
    private Serializer<Object> serializer(SimEvent e) {
        return (Serializer<Object>) (Serializer<?>) switch (e.source()) {
            case DELIVERY -> topics.deliveryEvents().valueSerde().serializer();
            case TICKET -> topics.ticketEvents().valueSerde().serializer();
            case SURVEY -> topics.surveyResponses().valueSerde().serializer();
        };
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
