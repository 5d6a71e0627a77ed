package dev.lastmile.kpi.bench;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.topology.Topic;
import dev.lastmile.kpi.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end latency at a steady rate: terminal delivery events stamped "now" are produced at
 * {@code rate} per second into the running pipeline; an event counts as shown when an hourly delivery
 * KPI record (an open-window update or the final) of its region and hour counts at least as many
 * deliveries as had been sent to that region and hour up to and including it. Latency: from the
 * producer's send call to the moment this reader sees that record (read_committed). Counts are
 * order-free sums, so the k-th event sent is taken as shown when the count reaches k.
 */
final class LatencyProbe {

    /** p50/p99/max in milliseconds over the events seen; {@code unmatched}: events never seen. */
    record Latency(double rate, double seconds, long events, double p50Ms, double p99Ms, double maxMs,
                   long unmatched) {
    }

    private static final List<String> REGIONS = List.of("north", "south", "east", "west");

    private LatencyProbe() {
    }

    static Latency measure(Properties clientProperties, Topics topics, double rate, Duration length,
                           Duration settle) {
        Topic<String, DeliveryKpi> kpis = topics.kpi(KpiFamilies.DELIVERY);
        Map<String, List<Long>> sentAt = new HashMap<>();   // region|hour -> send times, in order
        Map<String, Integer> seen = new HashMap<>();        // region|hour -> events already matched
        List<Long> latencies = new ArrayList<>();
        long total = (long) (rate * length.toSeconds());
        try (KafkaConsumer<String, DeliveryKpi> consumer = consumer(clientProperties, kpis);
             KafkaProducer<String, DeliveryEvent> producer = new KafkaProducer<>(producerProperties(clientProperties),
                     new StringSerializer(), topics.deliveryEvents().valueSerde().serializer())) {
            long start = System.nanoTime();
            long sent = 0;
            long deadline = Long.MAX_VALUE;
            while (System.nanoTime() < deadline && latencies.size() < total) {
                long now = System.nanoTime();
                long due = Math.min(total, (long) ((now - start) / 1e9 * rate) + 1);
                for (; sent < due; sent++) {
                    send(producer, topics, sent, sentAt);
                }
                if (sent == total && deadline == Long.MAX_VALUE) {
                    producer.flush();
                    deadline = System.nanoTime() + settle.toNanos();
                }
                for (ConsumerRecord<String, DeliveryKpi> r : consumer.poll(Duration.ofMillis(5))) {
                    match(r.value(), sentAt, seen, latencies);
                }
                LockSupport.parkNanos(1_000_000);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Latency(rate, length.toSeconds(), total, percentile(sorted, 0.50), percentile(sorted, 0.99),
                    sorted.length == 0 ? -1 : sorted[sorted.length - 1] / 1e6, total - sorted.length);
        }
    }

    private static void send(KafkaProducer<String, DeliveryEvent> producer, Topics topics, long i,
                             Map<String, List<Long>> sentAt) {
        String region = REGIONS.get((int) (i % REGIONS.size()));
        Instant now = Instant.now();
        String id = "lat-" + i;
        DeliveryEvent e = DeliveryEvent.newBuilder().setEventId(id + "-DELIVERED").setDeliveryId(id)
                .setRouteId(region + "-r0" + (1 + i % 8)).setDriverId(region + "-d1").setRegion(region)
                .setStatus(DeliveryStatus.DELIVERED).setEventTime(now).setPromisedBy(now.plus(Duration.ofMinutes(30)))
                .setCostCents(500).build();
        sentAt.computeIfAbsent(region + "|" + hourOf(now.toEpochMilli()), k -> new ArrayList<>()).add(System.nanoTime());
        producer.send(new ProducerRecord<>(topics.deliveryEvents().name(), null, now.toEpochMilli(), id, e));
    }

    private static void match(DeliveryKpi kpi, Map<String, List<Long>> sentAt, Map<String, Integer> seen,
                              List<Long> latencies) {
        if (kpi == null || kpi.getWindow() != WindowKind.HOURLY) {
            return;
        }
        String key = kpi.getRegion() + "|" + kpi.getWindowStart().toEpochMilli();
        List<Long> sends = sentAt.get(key);
        if (sends == null) {
            return;
        }
        long now = System.nanoTime();
        int from = seen.getOrDefault(key, 0);
        int to = (int) Math.min(kpi.getDeliveries(), sends.size());
        for (int k = from; k < to; k++) {
            latencies.add(now - sends.get(k));
        }
        seen.put(key, Math.max(from, to));
    }

    private static long hourOf(long ms) {
        return ms - Math.floorMod(ms, 3_600_000L);
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static KafkaConsumer<String, DeliveryKpi> consumer(Properties clientProperties, Topic<String, DeliveryKpi> kpis) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("client.id", "bench-latency-reader");
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        KafkaConsumer<String, DeliveryKpi> c = new KafkaConsumer<>(p, new StringDeserializer(),
                kpis.valueSerde().deserializer());
        List<TopicPartition> partitions = c.partitionsFor(kpis.name()).stream()
                .map(i -> new TopicPartition(kpis.name(), i.partition())).toList();
        c.assign(partitions);
        c.seekToEnd(partitions);
        partitions.forEach(c::position); // fix the start before the first event is sent
        return c;
    }

    private static Properties producerProperties(Properties clientProperties) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("client.id", "bench-latency-producer");
        p.put("linger.ms", "5");
        p.put("enable.idempotence", "true");
        return p;
    }
}
