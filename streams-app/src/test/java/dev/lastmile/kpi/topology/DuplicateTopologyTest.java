package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.topology.DeliveryKpiTopologyTest.header;
import static dev.lastmile.kpi.topology.TopologyHarness.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.WindowKind;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * An event id names one event: the same event again counts once, silently (a producer retry, a
 * replayed file); a different event under a used id goes to the DLQ as conflicting_duplicate.
 */
class DuplicateTopologyTest {

    @Test
    void shouldCountARepeatOnceAndSendAConflictingEventUnderAUsedIdToTheDlq() {
        try (TopologyHarness h = new TopologyHarness()) {
            DeliveryEvent first = delivery("e1", "north", DELIVERED, "08:10", "08:30", 500);
            h.send(first);
            h.send(first); // a producer retry: same content
            // Same event id, other region and cost: once silently dropped, now a DLQ record.
            h.send(DeliveryEvent.newBuilder(first).setRegion("south").setCostCents(90_000).build());
            h.send(delivery("e2", "north", DELIVERED, "08:20", "08:30", 700));
            h.advanceAllTo("10:20");

            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), RecordHeaderNames.DLQ_REASON_CODE)).isEqualTo("conflicting_duplicate");
            assertThat(header(dead.get(0), RecordHeaderNames.DLQ_REASON))
                    .startsWith("event_id e1 was first read at offset 0 with different content");
            List<DeliveryKpi> north = TopologyHarness.select(h.kpis("north"), WindowKind.HOURLY, "08:00", true);
            assertThat(north).singleElement().satisfies(k -> {
                assertThat(k.getDeliveries()).isEqualTo(2);
                assertThat(k.getCostCents()).isEqualTo(1_200);
            });
            assertThat(h.kpis("south")).isEmpty();
        }
    }

    @Test
    void shouldReadTheLegacyDedupFormatAsSeenAndTheCurrentOneRoundTrip() {
        assertThat(SeenEvent.decode(new byte[8]).legacy()).isTrue();
        assertThat(SeenEvent.decode(new byte[8]).sameContent("anything")).isTrue();
        SeenEvent e = SeenEvent.of(42, "{\"event_id\": \"e1\"}");
        SeenEvent back = SeenEvent.decode(e.encode());
        assertThat(back.offset()).isEqualTo(42);
        assertThat(back.sameContent("{\"event_id\": \"e1\"}")).isTrue();
        assertThat(back.sameContent("{\"event_id\": \"e2\"}")).isFalse();
    }
}
