package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.avro.TicketCategory.BILLING;
import static dev.lastmile.kpi.avro.TicketCategory.DAMAGED;
import static dev.lastmile.kpi.avro.TicketEventType.OPENED;
import static dev.lastmile.kpi.avro.TicketEventType.RESOLVED;
import static dev.lastmile.kpi.topology.DeliveryKpiTopologyTest.header;
import static dev.lastmile.kpi.topology.TopologyHarness.at;
import static dev.lastmile.kpi.topology.TopologyHarness.delivery;
import static dev.lastmile.kpi.topology.TopologyHarness.survey;
import static dev.lastmile.kpi.topology.TopologyHarness.ticket;
import static dev.lastmile.kpi.topology.TopologyHarness.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.ExperienceKpi;
import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.SupportKpi;
import dev.lastmile.kpi.avro.SurveyKind;
import dev.lastmile.kpi.avro.WindowKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The adversarial review's records through the production topology: each goes to the DLQ with its
 * reason code, and the figures of the valid records around it stay exactly what they were.
 */
class HostileInputTopologyTest {

    private static List<String> dlqCodes(TopologyHarness h) {
        return h.dlq.readRecordsToList().stream().map(r -> header(r, RecordHeaderNames.DLQ_REASON_CODE)).toList();
    }

    private static DeliveryKpi north(TopologyHarness h, String hour) {
        List<DeliveryKpi> found = TopologyHarness.select(h.kpis("north"), WindowKind.HOURLY, hour, true);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static DeliveryEvent on(DeliveryEvent e, String region, String route) {
        return DeliveryEvent.newBuilder(e).setRegion(region).setRouteId(route).build();
    }

    @Test
    void shouldRejectTicketRegionsWithKeySeparatorsAndKeepCountingSupportKpisWhenOneArrives() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(ticket("g1", "t-good", null, "north", DAMAGED, OPENED, "08:00"));
            h.send(ticket("g2", "t-good", null, "north", DAMAGED, RESOLVED, "08:30"));
            // Once crash-looped the support punctuation ("No enum constant ...TicketCategory.b").
            h.send(ticket("b1", "t-pipe", null, "a|b", DAMAGED, OPENED, "08:05"));
            h.send(ticket("b2", "t-pipe", null, "a|b", DAMAGED, RESOLVED, "08:20"));
            // Once counted in north x DAMAGED although its category is BILLING.
            h.send(ticket("f1", "t-fake", null, "north|DAMAGED", BILLING, OPENED, "08:10"));
            h.send(ticket("f2", "t-fake", null, "north|DAMAGED", BILLING, RESOLVED, "08:40"));
            h.send(ticket("tab", "t-tab", null, "north\t", BILLING, OPENED, "08:10"));
            h.advanceAllTo("10:20");

            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).extracting(r -> header(r, RecordHeaderNames.DLQ_REASON_CODE))
                    .containsOnly("forbidden_character").hasSize(5);
            assertThat(header(dead.get(0), RecordHeaderNames.DLQ_REASON))
                    .isEqualTo("region \"a|b\" contains forbidden character U+007C at index 1");
            List<SupportKpi> kpis = values(h.supportKpis).stream()
                    .filter(k -> k.getFinal$() && k.getWindow() == WindowKind.HOURLY).toList();
            assertThat(kpis).extracting(SupportKpi::getRegion).isSubsetOf("north", "zz-clock");
            assertThat(kpis).filteredOn(k -> k.getRegion().equals("north") && k.getCategory() == DAMAGED)
                    .singleElement().satisfies(k -> {
                        assertThat(k.getOpened()).isEqualTo(1);
                        assertThat(k.getResolved()).isEqualTo(1);
                        assertThat(k.getAvgResolutionMinutes()).isEqualTo(30.0);
                    });
            assertThat(kpis).filteredOn(k -> k.getRegion().equals("north") && k.getCategory() == null)
                    .singleElement().satisfies(k -> assertThat(k.getOpened()).isEqualTo(1));
        }
    }

    @Test
    void shouldRejectDeliveriesWhoseRegionOrRouteCouldShareABucketWithAnother() {
        try (TopologyHarness h = new TopologyHarness()) {
            DeliveryEvent base = delivery("x", "north", DELIVERED, "08:10", "08:30", 100);
            // Region "a|b" route "r" and region "a" route "b|r" once shared the bucket "a|b|r".
            h.send(on(DeliveryEvent.newBuilder(base).setEventId("p1").setDeliveryId("p1").build(), "a|b", "r"));
            h.send(on(DeliveryEvent.newBuilder(base).setEventId("p2").setDeliveryId("p2").build(), "a", "b|r"));
            // A tab in the region once moved the delivery's complaints to region "south".
            h.send(on(DeliveryEvent.newBuilder(base).setEventId("p3").setDeliveryId("p3").build(), "south\tx", "r"));
            h.send(on(DeliveryEvent.newBuilder(base).setEventId("p4").setDeliveryId("p4").build(), "north", "UNKNOWN"));
            for (int i = 1; i <= 5; i++) {
                h.send(on(DeliveryEvent.newBuilder(base).setEventId("ok" + i).setDeliveryId("ok" + i).build(), "north",
                        "r1"));
            }
            h.advanceAllTo("+1 09:20");

            assertThat(dlqCodes(h)).containsExactly("forbidden_character", "forbidden_character",
                    "forbidden_character", "reserved_route_id");
            assertThat(north(h, "08:00").getDeliveries()).isEqualTo(5);
            List<RouteComplaintKpi> routes = values(h.routeKpis);
            assertThat(routes).extracting(RouteComplaintKpi::getRegion).isSubsetOf("north", "zz-clock");
            assertThat(routes).extracting(RouteComplaintKpi::getRouteId).doesNotContain("UNKNOWN", "b|r", "r");
        }
    }

    @Test
    void shouldSendEventTimesBefore2000ToTheDlqInsteadOfCrashingTheGate() {
        try (TopologyHarness h = new TopologyHarness()) {
            Instant beforeEpoch = Instant.parse("1969-12-31T23:00:00Z");   // once: "Timestamp may not be negative"
            DeliveryEvent old = DeliveryEvent.newBuilder(delivery("old", "north", DELIVERED, "08:00", "08:00", 100))
                    .setEventTime(beforeEpoch).setPromisedBy(beforeEpoch).build();
            // Stamped when produced, as a Kafka producer does: only the event_time is from before 1970.
            h.deliveries.pipeInput(old.getDeliveryId(), old, TopologyHarness.WALL_CLOCK);
            h.send(delivery("good", "north", DELIVERED, "08:10", "08:30", 100));
            h.advanceTo("09:20");

            assertThat(dlqCodes(h)).containsExactly("event_time_too_early");
            assertThat(north(h, "08:00").getDeliveries()).isEqualTo(1);
        }
    }

    @Test
    void shouldKeepCostAndDelaySumsExactWhenCostsOrPromisesAreAbsurd() {
        try (TopologyHarness h = new TopologyHarness()) {
            // Once: cost_cents 598 (two Long.MAX plus 600 wrapped around) and avg_delay_minutes 5.26E13.
            h.send(delivery("max1", "north", DELIVERED, "08:01", "08:30", Long.MAX_VALUE));
            h.send(delivery("max2", "north", DELIVERED, "08:02", "08:30", Long.MAX_VALUE));
            h.send(DeliveryEvent.newBuilder(delivery("ancient-promise", "north", DELIVERED, "08:03", "08:30", 100))
                    .setPromisedBy(Instant.ofEpochMilli(0)).build());
            h.send(delivery("good", "north", DELIVERED, "08:40", "08:20", 600));
            h.advanceTo("09:20");

            assertThat(dlqCodes(h)).containsExactly("cost_too_large", "cost_too_large", "promised_by_out_of_range");
            DeliveryKpi k = north(h, "08:00");
            assertThat(k.getCostCents()).isEqualTo(600);
            assertThat(k.getAvgDelayMinutes()).isEqualTo(20.0);
        }
    }

    @Test
    void shouldRejectEventsFurtherAheadOfTheWallClockThanTheConfiguredBound() {
        try (TopologyHarness h = new TopologyHarness(Map.of("input.max.future", "2h"))) {
            Instant wall = TopologyHarness.WALL_CLOCK;
            h.send(DeliveryEvent.newBuilder(delivery("soon", "north", DELIVERED, "08:00", "08:00", 1))
                    .setEventTime(wall.plusSeconds(119 * 60)).setPromisedBy(wall).build());
            h.send(DeliveryEvent.newBuilder(delivery("later", "north", DELIVERED, "08:00", "08:00", 1))
                    .setEventTime(wall.plusSeconds(121 * 60)).setPromisedBy(wall).build());

            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).extracting(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8))
                    .containsExactly("d-later");
            assertThat(header(dead.get(0), RecordHeaderNames.DLQ_REASON)).isEqualTo("event_time 2026-11-05T02:01:00Z"
                    + " is more than 2h ahead of the wall clock 2026-11-05T00:00:00Z (input.max.future)");
        }
    }

    @Test
    void shouldKeepControlCharactersOutOfTheDissatisfiedReasons() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(survey("s1", "north", SurveyKind.CSAT, 1, "08:10", "late"));
            h.send(survey("s2", "north", SurveyKind.CSAT, 1, "08:20", "late\n", "damaged"));
            h.send(survey("s3", "north", SurveyKind.CSAT, 1, "08:30", "x".repeat(65)));
            h.advanceAllTo("10:20");

            assertThat(dlqCodes(h)).containsExactly("forbidden_character", "too_long");
            List<ExperienceKpi> north = values(h.experienceKpis).stream().filter(k -> k.getRegion().equals("north")
                    && k.getFinal$() && k.getWindow() == WindowKind.HOURLY && k.getWindowStart().equals(at("08:00")))
                    .toList();
            assertThat(north).singleElement().satisfies(k -> {
                assertThat(k.getCsatResponses()).isEqualTo(1);
                assertThat(k.getDissatisfiedReasons()).isEqualTo(Map.of("late", 1L));
            });
        }
    }
}
