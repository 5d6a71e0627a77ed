package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.topology.DeliveryKpiTopologyTest.header;
import static dev.lastmile.kpi.topology.TopologyHarness.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.WindowKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Records near and beyond the producer's 1 MiB request size once stopped the client for good: the
 * DLQ copy (original plus headers) could not be written. Now the gate rejects them as too_large
 * and the DLQ copy is cut to fit, with the original's size and SHA-256.
 */
class OversizeTopologyTest {

    private static final int LIMIT = 512 * 1024;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static int copySize(TestRecord<byte[], byte[]> r) {
        int n = (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
        for (var h : r.headers()) {
            n += h.key().getBytes(StandardCharsets.UTF_8).length + h.value().length;
        }
        return n;
    }

    @Test
    void shouldRejectRecordsOfOneAndTwoMegabytesAsTooLargeAndCutTheirDlqCopiesToFit() throws Exception {
        try (TopologyHarness h = new TopologyHarness()) {
            byte[] oneMb = random(1_000_000, 1);
            byte[] twoMb = random(2_000_000, 2);
            byte[] key = "d-big".getBytes(StandardCharsets.UTF_8);
            h.send(delivery("ok1", "north", DELIVERED, "08:10", "08:30", 100));
            h.rawDeliveries.pipeInput(new TestRecord<>(key, oneMb, new RecordHeaders(), TopologyHarness.at("08:11")));
            // Headers alone beyond a quarter of the bound: dropped from the copy, and said so.
            RecordHeaders bigHeaders = new RecordHeaders();
            bigHeaders.add("trace", random(200_000, 3));
            h.rawDeliveries.pipeInput(new TestRecord<>(key, twoMb, bigHeaders, TopologyHarness.at("08:12")));
            h.send(delivery("ok2", "north", DELIVERED, "08:20", "08:30", 300));
            h.advanceTo("09:20");

            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(2);
            assertThat(dead).extracting(r -> header(r, RecordHeaderNames.DLQ_REASON_CODE)).containsOnly("too_large");
            assertThat(header(dead.get(0), RecordHeaderNames.DLQ_REASON)).isEqualTo("record is 1000005 bytes (key + "
                    + "value + headers), more than input.max.record.bytes (524288)");
            assertThat(dead).allSatisfy(r -> assertThat(copySize(r)).isLessThanOrEqualTo(LIMIT));
            assertThat(header(dead.get(0), RecordHeaderNames.TRUNCATED)).isEqualTo("value");
            assertThat(header(dead.get(0), RecordHeaderNames.ORIGINAL_SIZE)).isEqualTo("1000005");
            assertThat(header(dead.get(0), RecordHeaderNames.ORIGINAL_SHA256)).isEqualTo(sha256(oneMb));
            assertThat(dead.get(0).value()).isEqualTo(Arrays.copyOf(oneMb, dead.get(0).value().length));
            assertThat(dead.get(0).key()).isEqualTo(key);
            assertThat(header(dead.get(1), RecordHeaderNames.TRUNCATED)).isEqualTo("headers,value");
            assertThat(header(dead.get(1), RecordHeaderNames.ORIGINAL_SIZE)).isEqualTo(
                    Integer.toString(5 + 2_000_000 + "trace".length() + 200_000));
            assertThat(header(dead.get(1), RecordHeaderNames.ORIGINAL_SHA256)).isEqualTo(sha256(twoMb));
            assertThat(dead.get(1).headers().lastHeader("trace")).isNull();

            List<DeliveryKpi> north = TopologyHarness.select(h.kpis("north"), WindowKind.HOURLY, "08:00", true);
            assertThat(north).singleElement().satisfies(k -> {
                assertThat(k.getDeliveries()).isEqualTo(2);
                assertThat(k.getCostCents()).isEqualTo(400);
            });
        }
    }

    @Test
    void shouldAcceptARecordAtTheBoundAndRejectOneByteMore() {
        try (TopologyHarness h = new TopologyHarness(java.util.Map.of("input.max.record.bytes", "4096"))) {
            DeliveryEvent e = delivery("edge", "north", DELIVERED, "08:10", "08:30", 100);
            byte[] key = e.getDeliveryId().getBytes(StandardCharsets.UTF_8);
            byte[] value = h.topics.deliveryEvents().valueSerde().serializer().serialize(h.topics.deliveryEvents().name(), e);
            int padding = 4096 - key.length - value.length - "pad".length();
            RecordHeaders atBound = new RecordHeaders();
            atBound.add("pad", new byte[padding]);
            h.rawDeliveries.pipeInput(new TestRecord<>(key, value, atBound, TopologyHarness.at("08:10")));
            // Same sizes as the first, another event: one byte more of header puts it over the bound.
            DeliveryEvent over = DeliveryEvent.newBuilder(e).setEventId("edgf").build();
            byte[] overValue = h.topics.deliveryEvents().valueSerde().serializer()
                    .serialize(h.topics.deliveryEvents().name(), over);
            RecordHeaders overBound = new RecordHeaders();
            overBound.add("pad", new byte[padding + 1]);
            h.rawDeliveries.pipeInput(new TestRecord<>(key, overValue, overBound,
                    TopologyHarness.at("08:10")));
            h.advanceTo("09:20");

            assertThat(h.dlq.readRecordsToList()).extracting(r -> new String(r.key(), StandardCharsets.UTF_8) + ":"
                    + header(r, RecordHeaderNames.DLQ_REASON_CODE)).containsExactly("d-edge:too_large");
            assertThat(TopologyHarness.select(h.kpis("north"), WindowKind.HOURLY, "08:00", true))
                    .singleElement().satisfies(k -> assertThat(k.getDeliveries()).isEqualTo(1));
        }
    }

    @Test
    void shouldCutALateCopyThatWouldNotFitOnceItsHeadersAreAdded() {
        try (TopologyHarness h = new TopologyHarness(java.util.Map.of("input.max.record.bytes", "4096"))) {
            h.send(delivery("a", "west", DELIVERED, "08:50", "09:00", 100));
            h.advanceTo("09:16");
            DeliveryEvent late = delivery("late", "west", DELIVERED, "08:55", "09:00", 100);
            byte[] key = late.getDeliveryId().getBytes(StandardCharsets.UTF_8);
            byte[] value = h.topics.deliveryEvents().valueSerde().serializer().serialize(h.topics.deliveryEvents().name(), late);
            RecordHeaders trace = new RecordHeaders();
            trace.add("trace", new byte[4096 - key.length - value.length - "trace".length()]); // exactly at the bound
            h.rawDeliveries.pipeInput(new TestRecord<>(key, value, trace, TopologyHarness.at("08:55")));

            TestRecord<byte[], byte[]> copy = h.late.readRecord();
            assertThat(header(copy, RecordHeaderNames.LATE_KPI)).isEqualTo("delivery-kpi");
            assertThat(header(copy, RecordHeaderNames.TRUNCATED)).isEqualTo("headers");
            assertThat(header(copy, RecordHeaderNames.ORIGINAL_SIZE)).isEqualTo("4096");
            assertThat(copy.value()).isEqualTo(value);
            assertThat(copySize(copy)).isLessThanOrEqualTo(4096);
        }
    }
}
