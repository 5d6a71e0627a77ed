package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.serde.ConfluentWireFormat;
import dev.lastmile.kpi.serde.HttpSchemaRegistryClient;
import dev.lastmile.kpi.serde.SpecificAvroDeserializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `demo --data-dir D` killed with SIGKILL mid-run and started again on D (issue 9): records written
 * before the kill still decode through the registry URL the new process prints (the ids are the
 * same), the simulator continues where it stopped instead of 3 days back and sends nothing twice
 * with other content, nothing goes to the DLQ, and each window's final KPI is written once and
 * equals a recomputation from what the input topics hold, the windows open at the kill included.
 */
@Tag("integration")
@Timeout(480)
class DemoKillRestartIntegrationTest {

    private static final String DELIVERY_EVENTS = "lastmile.delivery-events";
    private static final String KPI_DELIVERY = "lastmile.kpi.delivery";
    private static final List<String> REGIONS = List.of("north", "south");
    private static final long HOUR = ExpectedDeliveryKpis.HOUR;
    /** How far an event may be sent after its event time: disorder up to 5 min, a duplicate up to a minute later. */
    private static final long MAX_SEND_DELAY_MS = Duration.ofMinutes(7).toMillis();

    /** Where one demo process is: from its banner. */
    private record Banner(String bootstrap, String registry, String resumedAt) {
    }

    @Test
    void shouldKeepSchemaIdsAndContinueTheSimulationWhenTheDemoIsKilledAndRestarted(@TempDir Path tmp)
            throws Exception {
        Path data = tmp.resolve("data");
        Path firstLog = tmp.resolve("demo-1.log");
        Process first = startDemo(data, firstLog);
        List<byte[]> kpisBeforeKill;
        Map<Integer, String> schemasBeforeKill = new TreeMap<>();
        List<DeliveryKpi> decodedBeforeKill = new ArrayList<>();
        long latestEventBeforeKill;
        try {
            Banner banner = awaitBanner(first, firstLog);
            assertThat(banner.resumedAt()).as("a new data dir starts a new simulation").isNull();
            // Killed once some hourly finals exist: mid-run, the simulation goes on for ever.
            kpisBeforeKill = readUntil(banner.bootstrap(), KPI_DELIVERY,
                    read -> hourlyFinals(decode(read, banner.registry())) >= 4, Duration.ofSeconds(150));
            latestEventBeforeKill = readAll(banner.bootstrap(), DELIVERY_EVENTS).stream()
                    .mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
            decodedBeforeKill.addAll(decode(kpisBeforeKill, banner.registry()));
            HttpSchemaRegistryClient registry = registry(banner.registry());
            for (byte[] v : kpisBeforeKill) {
                int id = ConfluentWireFormat.schemaId(v, KPI_DELIVERY);
                schemasBeforeKill.put(id, registry.schemaById(id).toString());
            }
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, the broker and the registry die with it
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(hourlyFinals(decodedBeforeKill)).as("finals written before the kill").isGreaterThanOrEqualTo(4);

        Path secondLog = tmp.resolve("demo-2.log");
        Process second = startDemo(data, secondLog);
        try {
            Banner banner = awaitBanner(second, secondLog);
            assertThat(banner.resumedAt()).as("the restarted demo resumes its simulation").isNotNull();
            long resumedAt = Instant.parse(banner.resumedAt()).toEpochMilli();
            assertThat(resumedAt).as("the clock continues where it stopped, not 3 days back")
                    .isGreaterThanOrEqualTo(latestEventBeforeKill)
                    .isLessThan(latestEventBeforeKill + 2 * HOUR);

            // The schema ids are the same: what was written before decodes through the new URL.
            HttpSchemaRegistryClient registry = registry(banner.registry());
            schemasBeforeKill.forEach((id, schema) -> assertThat(registry.schemaById(id).toString())
                    .as("schema id %d", id).isEqualTo(schema));
            assertThat(decode(kpisBeforeKill, banner.registry())).isEqualTo(decodedBeforeKill);

            // Wait until the windows open at the kill, and two hours after, are final in every region.
            long openAtKill = resumedAt - Math.floorMod(resumedAt, HOUR);
            List<byte[]> kpis = readUntil(banner.bootstrap(), KPI_DELIVERY, read -> {
                List<DeliveryKpi> decoded = decode(read, banner.registry());
                return REGIONS.stream().allMatch(region -> decoded.stream().anyMatch(k -> k.getFinal$()
                        && k.getWindow() == WindowKind.HOURLY && k.getRegion().equals(region)
                        && k.getWindowStart().toEpochMilli() >= openAtKill + 2 * HOUR));
            }, Duration.ofSeconds(180));
            // Read after the finals: the inputs hold every event of every window that is final.
            List<ConsumerRecord<byte[], byte[]>> inputs = readAll(banner.bootstrap(), DELIVERY_EVENTS);
            List<ConsumerRecord<byte[], byte[]>> dlq = readAll(banner.bootstrap(), "lastmile.dlq");
            assertThat(dlq).as("DLQ: %s", describe(dlq)).isEmpty();
            List<ConsumerRecord<byte[], byte[]>> late = readAll(banner.bootstrap(), "lastmile.late-events");
            assertThat(late).as("late events (resumed at %s): %s", banner.resumedAt(), describe(late)).isEmpty();

            SpecificAvroDeserializer<DeliveryEvent> events = new SpecificAvroDeserializer<>(
                    DeliveryEvent.getClassSchema(), registry);
            assertSimulatorSentEachEventOnceAndInOrder(inputs, events, latestEventBeforeKill);
            ExpectedDeliveryKpis expected = new ExpectedDeliveryKpis();
            inputs.forEach(r -> expected.add(events.deserialize(r.topic(), r.value())));
            assertFinalsMatch(decode(kpis, banner.registry()), expected, openAtKill);
        } finally {
            second.destroy();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(secondLog)).contains("data kept in " + data);
    }

    /**
     * No event_id twice with other content; per partition, event time never steps back further than
     * disorder and duplicates allow (a clock restarted 3 days back would), and no hole in the
     * arrivals beyond what the rate makes likely (a clock that jumped ahead would leave one).
     */
    private static void assertSimulatorSentEachEventOnceAndInOrder(List<ConsumerRecord<byte[], byte[]>> inputs,
            SpecificAvroDeserializer<DeliveryEvent> events, long latestEventBeforeKill) {
        Map<String, DeliveryEvent> byId = new HashMap<>();
        Map<Integer, Long> maxByPartition = new HashMap<>();
        TreeSet<Long> arrivals = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : inputs) {
            DeliveryEvent e = events.deserialize(r.topic(), r.value());
            DeliveryEvent before = byId.putIfAbsent(e.getEventId(), e);
            assertThat(before == null || before.equals(e)).as("event %s sent again with other content", e.getEventId())
                    .isTrue();
            long max = maxByPartition.merge(r.partition(), r.timestamp(), Math::max);
            assertThat(r.timestamp()).as("event time at offset %d of partition %d", r.offset(), r.partition())
                    .isGreaterThanOrEqualTo(max - MAX_SEND_DELAY_MS);
            if (e.getStatus() == DeliveryStatus.DISPATCHED) {
                arrivals.add(r.timestamp());
            }
        }
        assertThat(arrivals.last()).as("the simulation went on after the kill")
                .isGreaterThan(latestEventBeforeKill + 2 * HOUR);
        long widestGap = 0;
        for (Long t = arrivals.first(); arrivals.higher(t) != null; t = arrivals.higher(t)) {
            widestGap = Math.max(widestGap, arrivals.higher(t) - t);
        }
        assertThat(widestGap).as("widest gap between deliveries, ms of event time").isLessThan(30 * 60_000L);
    }

    /** Each final once, equal to the recomputation; the hourly windows open at the kill among them. */
    private static void assertFinalsMatch(List<DeliveryKpi> kpis, ExpectedDeliveryKpis expected, long openAtKill) {
        Map<String, Integer> count = new TreeMap<>();
        Map<String, DeliveryKpi> finals = new TreeMap<>();
        for (DeliveryKpi k : kpis) {
            if (k.getFinal$()) {
                String key = k.getRegion() + "|" + k.getWindow() + "|" + k.getWindowStart().toEpochMilli();
                count.merge(key, 1, Integer::sum);
                finals.put(key, k);
            }
        }
        assertThat(count).as("final records per window").allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1));
        for (String region : REGIONS) {
            assertThat(finals).as("final of %s's hour open at the kill", region)
                    .containsKey(region + "|HOURLY|" + openAtKill);
        }
        finals.forEach((key, k) -> {
            ExpectedDeliveryKpis.Sums sums = expected.windows.get(key);
            assertThat(sums).as("recomputed %s", key).isNotNull();
            assertThat(List.of(k.getDeliveries(), k.getDelivered(), k.getFailed(), k.getOnTime(), k.getLateDelivered(),
                    k.getCostCents())).as(key).containsExactly(sums.deliveries, sums.delivered, sums.failed, sums.onTime,
                    sums.late, sums.cost);
        });
        // No hourly window without a final between a region's first and last one.
        for (String region : REGIONS) {
            List<Long> starts = finals.keySet().stream().filter(k -> k.startsWith(region + "|HOURLY|"))
                    .map(k -> Long.parseLong(k.substring(k.lastIndexOf('|') + 1))).sorted().toList();
            for (long t = starts.get(0); t <= starts.get(starts.size() - 1); t += HOUR) {
                if (expected.windows.containsKey(region + "|HOURLY|" + t)) {
                    assertThat(starts).as("%s hour %s", region, Instant.ofEpochMilli(t)).contains(t);
                }
            }
        }
    }

    /** Timestamps and headers, for a failure message. */
    private static String describe(List<ConsumerRecord<byte[], byte[]>> records) {
        StringBuilder out = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> r : records.subList(0, Math.min(records.size(), 20))) {
            out.append(System.lineSeparator()).append(Instant.ofEpochMilli(r.timestamp()));
            r.headers().forEach(h -> out.append(' ').append(h.key()).append('=')
                    .append(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
        }
        return records.size() + " records" + out;
    }

    private static Process startDemo(Path data, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + Files.createTempDirectory("lastmile-demo-tmp-"),
                "dev.lastmile.kpi.tools.ToolsMain", "demo", "--data-dir", data.toString(), "--port", "0",
                // An hourly window every 6 s; no records broken on purpose, so the DLQ must stay empty.
                "--speedup", "600", "--rate", "400", "--regions", String.join(",", REGIONS), "--routes", "4",
                "--partitions", "2", "--invalid", "0"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Banner awaitBanner(Process demo, Path log) throws Exception {
        Pattern broker = Pattern.compile("^\\s+Kafka broker\\s+(\\S+)$", Pattern.MULTILINE);
        Pattern registry = Pattern.compile("^\\s+schema registry\\s+(\\S+)", Pattern.MULTILINE);
        Pattern resumed = Pattern.compile("^\\s+resumed\\s+at (\\S+),", Pattern.MULTILINE);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && demo.isAlive()) {
            String out = Files.readString(log);
            Matcher b = broker.matcher(out);
            Matcher r = registry.matcher(out);
            if (b.find() && r.find() && out.contains("ground truth")) {
                Matcher at = resumed.matcher(out);
                return new Banner(b.group(1), r.group(1), at.find() ? at.group(1) : null);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the demo printed no banner:\n" + Files.readString(log));
    }

    private static HttpSchemaRegistryClient registry(String url) {
        return new HttpSchemaRegistryClient(url, null, Duration.ofSeconds(10));
    }

    private static List<DeliveryKpi> decode(List<byte[]> values, String registryUrl) {
        SpecificAvroDeserializer<DeliveryKpi> kpis = new SpecificAvroDeserializer<>(DeliveryKpi.getClassSchema(),
                registry(registryUrl));
        return values.stream().map(v -> kpis.deserialize(KPI_DELIVERY, v)).toList();
    }

    private static long hourlyFinals(List<DeliveryKpi> kpis) {
        return kpis.stream().filter(k -> k.getFinal$() && k.getWindow() == WindowKind.HOURLY).count();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** The values of committed records of {@code topic} from the start, read until {@code done} holds for them. */
    private static List<byte[]> readUntil(String bootstrap, String topic, Predicate<List<byte[]>> done,
                                          Duration timeout) {
        List<byte[]> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, topic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(read)) {
                assertThat(System.nanoTime()).as("waited %s for %s", timeout, topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(500)).forEach(r -> read.add(r.value()));
            }
        }
        return read;
    }

    /** Everything committed in {@code topic} now. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, topic)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                assertThat(System.nanoTime()).as("reading %s", topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }
}
