package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.topology.DeliveryKpiTopologyTest.header;
import static dev.lastmile.kpi.topology.TopologyHarness.at;
import static dev.lastmile.kpi.topology.TopologyHarness.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * DLQ and late-events topics are stamped with the broker's append time (so retention counts from
 * the write); the timestamp a record carried travels in a header instead.
 */
class OriginalTimestampTopologyTest {

    @Test
    void shouldKeepTheTimestampOfADlqRecordInAHeader() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.rawDeliveries.pipeInput(new TestRecord<>("d-1".getBytes(StandardCharsets.UTF_8),
                    "not avro".getBytes(StandardCharsets.UTF_8), new RecordHeaders(), at("07:45")));
            TestRecord<byte[], byte[]> dead = h.dlq.readRecord();
            assertThat(header(dead, RecordHeaderNames.ORIGINAL_TIMESTAMP)).isEqualTo("2026-11-02T07:45:00Z");
        }
    }

    @Test
    void shouldKeepTheTimestampOfALateRecordInAHeader() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("a", "west", DELIVERED, "08:50", "09:00", 100));
            h.advanceTo("09:16");
            h.send(delivery("late-1", "west", DELIVERED, "08:55", "09:00", 100));
            TestRecord<byte[], byte[]> late = h.late.readRecord();
            assertThat(header(late, RecordHeaderNames.ORIGINAL_TIMESTAMP)).isEqualTo("2026-11-02T08:55:00Z");
        }
    }
}
