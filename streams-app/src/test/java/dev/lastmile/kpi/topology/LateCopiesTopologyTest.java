package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.avro.DeliveryStatus.OUT_FOR_DELIVERY;
import static dev.lastmile.kpi.avro.TicketCategory.DAMAGED;
import static dev.lastmile.kpi.avro.TicketEventType.OPENED;
import static dev.lastmile.kpi.topology.DeliveryKpiTopologyTest.header;
import static dev.lastmile.kpi.topology.TopologyHarness.delivery;
import static dev.lastmile.kpi.topology.TopologyHarness.survey;
import static dev.lastmile.kpi.topology.TopologyHarness.ticket;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.SurveyKind;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A late terminal delivery once went to the late topic twice (delivery KPIs and route complaints
 * each wrote a copy) and counted twice in lastmile_late_records_total, with nothing telling the
 * copies apart. Now each late input record is copied once, naming every family that missed it.
 */
class LateCopiesTopologyTest {

    private static String describe(TestRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8) + " " + header(r, RecordHeaderNames.LATE_KPI) + " "
                + header(r, RecordHeaderNames.LATE_COUNTED_IN_ROLLING);
    }

    private static double lateRecords(TopologyHarness h) {
        return h.metrics.registry().find("lastmile.late.records").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void shouldCopyARecordThatEveryFamilyMissedOnceNamingThemAll() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("a", "west", DELIVERED, "08:50", "09:00", 100));
            h.advanceAllTo("09:30"); // every input past 09:15: the 08:00 hour closed in every family
            h.send(delivery("late-d", "west", DELIVERED, "08:55", "09:00", 100));
            h.send(delivery("late-nonterminal", "west", OUT_FOR_DELIVERY, "08:56", "09:00", 0)); // in no window
            h.send(ticket("late-t", "late-t", "d-a", "west", DAMAGED, OPENED, "08:57")); // support and a complaint
            h.send(survey("late-s", "west", SurveyKind.CSAT, 2, "08:58"));

            List<TestRecord<byte[], byte[]>> copies = h.late.readRecordsToList();
            assertThat(copies).extracting(LateCopiesTopologyTest::describe).containsExactlyInAnyOrder(
                    // Not late for perfect orders: their windows wait 24 h for complaints.
                    "d-late-d delivery-kpi,route-complaints true,true",
                    // Late for perfect orders too: the tickets' watermark closed its hour, so it spoils nothing.
                    "late-t support-kpi,route-complaints,perfect-order true,true,false",
                    "late-s experience-kpi true");
            TestRecord<byte[], byte[]> delivery = copies.stream().filter(r -> describe(r).startsWith("d-late-d"))
                    .findFirst().orElseThrow();
            assertThat(header(delivery, RecordHeaderNames.SOURCE_OFFSET)).isEqualTo("2");
            assertThat(header(delivery, RecordHeaderNames.LATE_REASON)).startsWith("delivery-kpi: event_time "
                    + "2026-11-02T08:55:00Z falls in the hourly window ending 2026-11-02T09:00:00Z").contains(
                    " | route-complaints: event_time 2026-11-02T08:55:00Z");
            assertThat(delivery.headers().lastHeader("lastmile.late.families")).isNull();
            assertThat(h.topics.deliveryEvents().valueSerde().deserializer().deserialize("t", delivery.value())
                    .getEventId()).isEqualTo("late-d");
            assertThat(lateRecords(h)).isEqualTo(3.0);
        }
    }

    @Test
    void shouldNameOnlyTheFamilyThatMissedARecordWhenAnotherStillCountedIt() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("a", "west", DELIVERED, "08:50", "09:00", 100));
            // Only deliveries move on: the route stage also waits for the tickets, so its windows stay open.
            h.advanceTo("09:16");
            h.send(delivery("late-1", "west", DELIVERED, "08:55", "09:00", 100));

            assertThat(h.late.readRecordsToList()).extracting(LateCopiesTopologyTest::describe)
                    .containsExactly("d-late-1 delivery-kpi true");
            assertThat(lateRecords(h)).isEqualTo(1.0);
            assertThat(h.metrics.registry().get("lastmile.late.records").tag("kpi", "delivery-kpi").counter().count())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void shouldWriteNothingAndKeepNothingForARecordAtRiskThatEveryFamilyStillCounted() {
        // A second delivery partition that never reports holds every delivery watermark back.
        try (TopologyHarness h = new TopologyHarness(java.util.Map.of(),
                java.util.Map.of("lastmile.delivery-events", 2))) {
            h.send(delivery("a", "east", DELIVERED, "08:50", "09:00", 100));
            h.advanceTo("09:16");   // partition 0 passed 08:00's end + grace: the next record is at risk
            h.send(delivery("x", "east", DELIVERED, "08:55", "09:00", 100));

            assertThat(h.late.isEmpty()).isTrue();
            // Both families did report on it: counted.
            for (String family : List.of("delivery-kpi", "route-complaints")) {
                assertThat(h.driver.createOutputTopic("lastmile-kpi-test-" + family + "-late-verdicts-repartition",
                        org.apache.kafka.common.serialization.Serdes.String().deserializer(),
                        new LateVerdict.VerdictSerde().deserializer()).readValuesToList())
                        .extracting(v -> v.origin() + " " + v.missed()).as(family)
                        .containsExactly("lastmile.delivery-events:0@2 false");
            }
            try (var pending = h.driver.<String, byte[]>getKeyValueStore(LateCollector.STORE).all()) {
                assertThat(pending.hasNext()).as("verdicts left waiting").isFalse();
            }
            assertThat(lateRecords(h)).isEqualTo(0.0);
        }
    }
}
