package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.avro.DeliveryStatus.FAILED;
import static dev.lastmile.kpi.avro.DeliveryStatus.OUT_FOR_DELIVERY;
import static dev.lastmile.kpi.avro.WindowKind.HOURLY;
import static dev.lastmile.kpi.avro.WindowKind.ROLLING_24H;
import static dev.lastmile.kpi.topology.TopologyHarness.at;
import static dev.lastmile.kpi.topology.TopologyHarness.delivery;
import static dev.lastmile.kpi.topology.TopologyHarness.select;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lastmile.kpi.avro.DeliveryKpi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Delivery KPIs through the production topology. Every expected number is worked out by hand in
 * the comments next to it, from the events the test sends.
 */
class DeliveryKpiTopologyTest {

    @Test
    void shouldComputeEveryDeliveryKpiOfAClosedHour() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("e1", "north", DELIVERED, "08:10", "08:30", 500)); // on time
            h.send(delivery("e2", "north", DELIVERED, "08:20", "08:00", 700)); // 20 min late
            h.send(delivery("e3", "north", FAILED, "08:40", "09:00", 300));
            h.send(delivery("e4", "north", DELIVERED, "08:50", "08:20", 600)); // 30 min late
            h.send(delivery("e5", "north", OUT_FOR_DELIVERY, "08:05", null, 900)); // not terminal: not counted
            h.advanceTo("09:15"); // window end 09:00 + grace 15m

            List<DeliveryKpi> kpis = h.kpis("north");
            List<DeliveryKpi> hourly = select(kpis, HOURLY, "08:00", true);
            assertThat(hourly).hasSize(1);
            DeliveryKpi k = hourly.get(0);
            assertThat(k.getWindowEnd()).isEqualTo(at("09:00"));
            assertThat(k.getDeliveries()).isEqualTo(4);
            assertThat(k.getDelivered()).isEqualTo(3);
            assertThat(k.getFailed()).isEqualTo(1);
            assertThat(k.getOnTime()).isEqualTo(1);
            assertThat(k.getOnTimeRate()).isEqualTo(0.25);          // 1 / 4
            assertThat(k.getSuccessRate()).isEqualTo(0.75);         // 3 / 4
            assertThat(k.getAvgDelayMinutes()).isEqualTo(25.0);     // (20 + 30) / 2
            assertThat(k.getCostCents()).isEqualTo(2100);           // 500 + 700 + 300 + 600
            assertThat(k.getCostPerDeliveryCents()).isEqualTo(525.0);            // 2100 / 4
            assertThat(k.getCostPerSuccessfulDeliveryCents()).isEqualTo(700.0);  // 2100 / 3

            // The rolling window [09:00 the day before, 09:00) closes at the same time: same events.
            DeliveryKpi day = kpis.stream().filter(x -> x.getWindow() == ROLLING_24H && x.getFinal$()).findFirst()
                    .orElseThrow();
            assertThat(day.getWindowEnd()).isEqualTo(at("09:00"));
            assertThat(day.getWindowStart()).isEqualTo(at("09:00").minus(Duration.ofHours(24)));
            assertThat(day.getDeliveries()).isEqualTo(4);
            assertThat(day.getCostCents()).isEqualTo(2100);
        }
    }

    @Test
    void shouldGiveNullRatesNotZeroWhenNothingWasDelivered() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("f1", "east", FAILED, "10:05", "10:30", 250));
            h.advanceTo("11:15");
            DeliveryKpi k = select(h.kpis("east"), HOURLY, "10:00", true).get(0);
            assertThat(k.getDeliveries()).isEqualTo(1);
            assertThat(k.getOnTimeRate()).isEqualTo(0.0);            // 0 on time / 1
            assertThat(k.getSuccessRate()).isEqualTo(0.0);
            assertThat(k.getAvgDelayMinutes()).isNull();             // no late DELIVERED event
            assertThat(k.getCostPerDeliveryCents()).isEqualTo(250.0);
            assertThat(k.getCostPerSuccessfulDeliveryCents()).isNull(); // delivered = 0
        }
    }

    @Test
    void shouldCountOutOfOrderRecordsWithinGrace() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("a", "west", DELIVERED, "08:50", "09:00", 100));
            h.advanceTo("09:05");                                     // watermark 09:05 < 09:00 + 15m
            h.send(delivery("b", "west", DELIVERED, "08:55", "08:45", 100)); // 10 min late, still counts
            h.advanceTo("09:16");

            DeliveryKpi k = select(h.kpis("west"), HOURLY, "08:00", true).get(0);
            assertThat(k.getDeliveries()).isEqualTo(2);
            assertThat(k.getAvgDelayMinutes()).isEqualTo(10.0);
            assertThat(h.late.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldSendARecordAfterGraceToTheLateTopicAndStillCountItInOpenRollingWindows() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("a", "west", DELIVERED, "08:50", "09:00", 100));
            h.advanceTo("09:16");                                     // 08:00 hour closed at 09:15
            DeliveryKpi hour = select(h.kpis("west"), HOURLY, "08:00", true).get(0);
            assertThat(hour.getDeliveries()).isEqualTo(1);

            h.send(delivery("late-1", "west", DELIVERED, "08:55", "09:00", 100));

            TestRecord<byte[], byte[]> late = h.late.readRecord();
            assertThat(new String(late.key(), StandardCharsets.UTF_8)).isEqualTo("d-late-1");
            assertThat(h.topics.deliveryEvents().valueSerde().deserializer()
                    .deserialize("t", late.value()).getEventId()).isEqualTo("late-1");
            assertThat(header(late, RecordHeaderNames.LATE_COUNTED_IN_ROLLING)).isEqualTo("true");
            assertThat(header(late, RecordHeaderNames.SOURCE_TOPIC)).isEqualTo("lastmile.delivery-events");
            assertThat(header(late, RecordHeaderNames.LATE_REASON)).contains("hourly window ending 2026-11-02T09:00:00Z");
            assertThat(h.metrics.registry().get("lastmile.late.records").counter().count()).isEqualTo(1.0);

            // The rolling window ending 10:00 (08:00 and 09:00 hours of region west) was open: a + late-1.
            h.advanceTo("10:15");
            DeliveryKpi rolling = h.kpis("west").stream()
                    .filter(k -> k.getWindow() == ROLLING_24H && k.getFinal$() && k.getWindowEnd().equals(at("10:00")))
                    .findFirst().orElseThrow();
            assertThat(rolling.getDeliveries()).isEqualTo(2);
            // No second final for the closed hour.
            assertThat(select(h.kpis("west"), HOURLY, "08:00", true)).isEmpty();
        }
    }

    @Test
    void shouldSendARecordWhoseEveryWindowClosedToTheLateTopicUncounted() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("a", "south", DELIVERED, "08:50", "09:00", 100));
            h.advanceTo("+1 09:20");                                 // even the last rolling window closed
            h.kpis("south");
            h.send(delivery("ancient", "south", DELIVERED, "08:55", "09:00", 100));
            TestRecord<byte[], byte[]> late = h.late.readRecord();
            assertThat(header(late, RecordHeaderNames.LATE_COUNTED_IN_ROLLING)).isEqualTo("false");
            h.advanceTo("+1 12:00");
            assertThat(h.kpis("south")).isEmpty();
        }
    }

    @Test
    void shouldCountADuplicateEventIdOnce() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("dup", "north", DELIVERED, "08:10", "08:30", 500));
            h.send(delivery("dup", "north", DELIVERED, "08:10", "08:30", 500));
            h.send(delivery("other", "north", DELIVERED, "08:12", "08:30", 500));
            h.advanceTo("09:15");
            DeliveryKpi k = select(h.kpis("north"), HOURLY, "08:00", true).get(0);
            assertThat(k.getDeliveries()).isEqualTo(2);
            assertThat(k.getCostCents()).isEqualTo(1000);
            assertThat(h.metrics.registry().get("lastmile.duplicates.dropped").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void shouldEmitUpdatesWhileOpenThenExactlyOneFinalPerKeyAndWindow() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("u1", "north", DELIVERED, "08:10", "08:30", 400));
            h.wallClock(Duration.ofSeconds(1));                      // commit interval: updates go out
            List<DeliveryKpi> first = h.kpis("north");
            List<DeliveryKpi> hourlyUpdates = select(first, HOURLY, "08:00", false);
            assertThat(hourlyUpdates).hasSize(1);
            assertThat(hourlyUpdates.get(0).getDeliveries()).isEqualTo(1);
            // 24 rolling windows contain the 08:00 hour (ending 09:00 .. +1 08:00), each updated once.
            assertThat(first.stream().filter(k -> k.getWindow() == ROLLING_24H)).hasSize(24)
                    .allMatch(k -> !k.getFinal$() && k.getDeliveries() == 1);

            h.wallClock(Duration.ofSeconds(1));                      // nothing changed: nothing emitted
            assertThat(h.kpis("north")).isEmpty();

            h.send(delivery("u2", "north", FAILED, "08:20", "08:30", 100));
            h.wallClock(Duration.ofSeconds(1));
            assertThat(select(h.kpis("north"), HOURLY, "08:00", false)).singleElement()
                    .satisfies(k -> assertThat(k.getDeliveries()).isEqualTo(2));

            h.advanceTo("09:15");
            List<DeliveryKpi> finals = h.kpis("north");
            assertThat(select(finals, HOURLY, "08:00", true)).singleElement()
                    .satisfies(k -> assertThat(k.getDeliveries()).isEqualTo(2));

            // Whatever happens next, no record for the closed hour.
            h.send(delivery("u3", "north", DELIVERED, "08:40", "08:30", 100));
            h.wallClock(Duration.ofSeconds(1));
            h.advanceTo("+2 00:00");
            assertThat(h.kpis("north").stream().filter(k -> k.getWindow() == HOURLY
                    && k.getWindowStart().equals(at("08:00")))).isEmpty();
        }
    }

    @Test
    void shouldEmitEachRollingWindowFinalOnceWithTheSumOfItsHours() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("r1", "north", DELIVERED, "08:10", "08:30", 100)); // hour 08
            h.send(delivery("r2", "north", DELIVERED, "12:10", "12:00", 200)); // hour 12, 10 min late
            h.send(delivery("r3", "north", FAILED, "+1 07:30", "+1 08:00", 400)); // hour 07 next day
            h.advanceTo("+2 12:00");                                   // closes everything above
            List<DeliveryKpi> rolling = h.kpis("north").stream().filter(k -> k.getWindow() == ROLLING_24H).toList();
            // Windows end at every hour from 09:00 (first containing hour 08) to +2 07:00 (last containing
            // +1 07:00): 24 + 23 = 47 ends... counted exactly: ends 09:00 .. +2 07:00 inclusive = 47 windows.
            assertThat(rolling).hasSize(47).allMatch(DeliveryKpi::getFinal$);
            assertThat(rolling.stream().map(DeliveryKpi::getWindowEnd).distinct()).hasSize(47);
            // The window ending +1 08:00 holds hours 08:00 .. +1 07:00: all three events.
            DeliveryKpi all = rolling.stream().filter(k -> k.getWindowEnd().equals(at("+1 08:00"))).findFirst()
                    .orElseThrow();
            assertThat(all.getDeliveries()).isEqualTo(3);
            assertThat(all.getCostCents()).isEqualTo(700);
            assertThat(all.getAvgDelayMinutes()).isEqualTo(10.0);
            assertThat(all.getOnTimeRate()).isCloseTo(1.0 / 3, within(1e-12));
            // The window ending +1 09:00 has lost hour 08: r2 and r3.
            DeliveryKpi later = rolling.stream().filter(k -> k.getWindowEnd().equals(at("+1 09:00"))).findFirst()
                    .orElseThrow();
            assertThat(later.getDeliveries()).isEqualTo(2);
        }
    }

    static String header(TestRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
