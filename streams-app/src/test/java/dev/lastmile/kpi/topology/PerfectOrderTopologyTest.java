package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.avro.DeliveryStatus.FAILED;
import static dev.lastmile.kpi.avro.TicketCategory.BILLING;
import static dev.lastmile.kpi.avro.TicketCategory.DAMAGED;
import static dev.lastmile.kpi.avro.TicketCategory.LATE_DELIVERY;
import static dev.lastmile.kpi.avro.TicketCategory.WRONG_ITEM;
import static dev.lastmile.kpi.avro.TicketEventType.OPENED;
import static dev.lastmile.kpi.topology.TopologyHarness.at;
import static dev.lastmile.kpi.topology.TopologyHarness.ticket;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.PerfectOrderKpi;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketChannel;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.avro.WindowKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Perfect orders (contract: delivered on time, no complaint about the delivery within 24 h before or
 * after), on a region worked out by hand, on random histories against a direct count, and with a
 * complaint that comes too late.
 */
class PerfectOrderTopologyTest {

    private static DeliveryEvent delivery(String id, DeliveryStatus status, Instant at, Instant promised) {
        return DeliveryEvent.newBuilder().setEventId("e-" + id).setDeliveryId(id).setRouteId("r-1").setDriverId("x")
                .setRegion("west").setStatus(status).setEventTime(at).setPromisedBy(promised).setCostCents(500).build();
    }

    private static DeliveryEvent onTime(String id, String at) {
        return delivery(id, DELIVERED, at(at), at(at).plusSeconds(600));
    }

    private static TicketEvent complaint(String ticketId, String deliveryId, TicketCategory category, String at) {
        return ticket("t-" + ticketId, ticketId, deliveryId, "west", category, OPENED, at);
    }

    private static List<PerfectOrderKpi> finals(TopologyHarness h, WindowKind window) {
        return h.perfectOrderKpis.readRecordsToList().stream().map(TestRecord::value)
                .filter(k -> k.getFinal$() && k.getRegion().equals("west") && k.getWindow() == window)
                .collect(Collectors.toList());
    }

    /**
     * Hour 08:00 of region west: 12 terminal deliveries, 9 delivered on time, of which 3 drew a complaint
     * within 24 h (one after, one before, one after with a second complaint on top), so 6 perfect: 0.5.
     */
    @Test
    void shouldCountOnTimeDeliveriesWithoutComplaintsAsPerfectOnceComplaintsCanNoLongerCome() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(complaint("before", "d-before", LATE_DELIVERY, "06:30")); // 2 h before its delivery
            for (String id : List.of("d-ok1", "d-ok2", "d-ok3", "d-ok4", "d-after1", "d-after2", "d-before",
                    "d-billing", "d-far")) {
                h.send(onTime(id, "08:20"));
            }
            h.send(delivery("d-late1", DELIVERED, at("08:40"), at("08:30")));
            h.send(delivery("d-late2", DELIVERED, at("08:45"), at("08:30")));
            h.send(delivery("d-failed", FAILED, at("08:50"), at("09:30")));
            h.send(complaint("after1", "d-after1", DAMAGED, "11:20"));
            h.send(complaint("after2", "d-after2", WRONG_ITEM, "+1 08:20")); // exactly 24 h: still within
            h.send(complaint("after2b", "d-after2", DAMAGED, "+1 08:25")); // a second one counts once
            h.send(complaint("billing", "d-billing", BILLING, "09:00")); // not a complaint category
            h.send(complaint("late", "d-late1", LATE_DELIVERY, "09:10")); // late anyway
            h.advanceAllTo("+1 09:10");
            h.wallClock(Duration.ofSeconds(31));
            // Tickets at +1 09:10: a complaint in hour +1 08:00 may still come (until +1 09:15), so no final yet.
            assertThat(finals(h, WindowKind.HOURLY)).isEmpty();

            h.send(complaint("far", "d-far", DAMAGED, "+1 09:25")); // 25 h after: outside the window
            h.advanceAllTo("+1 09:30");
            h.wallClock(Duration.ofSeconds(31));
            List<PerfectOrderKpi> hourly = finals(h, WindowKind.HOURLY);
            assertThat(hourly).extracting(k -> k.getWindowStart()).containsExactly(at("08:00"));
            PerfectOrderKpi k = hourly.get(0);
            assertThat(k.getDeliveries()).isEqualTo(12);
            assertThat(k.getOnTimeDelivered()).isEqualTo(9);
            assertThat(k.getComplained()).isEqualTo(3);
            assertThat(k.getPerfect()).isEqualTo(6);
            assertThat(k.getPerfectOrderRate()).isEqualTo(0.5);
        }
    }

    /** Random deliveries and complaints over a day, in three arrival orders, against a direct count. */
    @Test
    void shouldGiveTheSameExactCountsWhicheverSideArrivesFirst() {
        Random random = new Random(42);
        List<DeliveryEvent> deliveries = new ArrayList<>();
        List<TicketEvent> complaints = new ArrayList<>();
        Instant day = at("00:00");
        for (int i = 0; i < 300; i++) {
            Instant t = day.plusSeconds(random.nextInt(6 * 3600));
            Instant promised = t.plusSeconds(random.nextInt(3600) - 900); // about a quarter late
            deliveries.add(delivery("d" + i, random.nextInt(10) == 0 ? FAILED : DELIVERED, t, promised));
            if (random.nextInt(4) == 0) { // about a quarter draw a complaint, some outside the 24 h
                Instant c = t.plusSeconds(random.nextInt(60 * 3600) - 12 * 3600);
                complaints.add(TicketEvent.newBuilder().setEventId("t-c" + i).setTicketId("c" + i).setDeliveryId("d" + i)
                        .setRegion("west").setCategory(DAMAGED).setChannel(TicketChannel.CHAT).setType(OPENED)
                        .setEventTime(c).setAgentId(null).build());
            }
        }
        deliveries.sort(Comparator.comparing(DeliveryEvent::getEventTime));
        complaints.sort(Comparator.comparing(TicketEvent::getEventTime));
        long[] expected = expectedPerHour(deliveries, complaints);

        for (String order : List.of("deliveries first", "complaints first", "by event time")) {
            try (TopologyHarness h = new TopologyHarness()) {
                if (order.equals("deliveries first")) {
                    deliveries.forEach(h::send);
                    complaints.forEach(h::send);
                } else if (order.equals("complaints first")) {
                    complaints.forEach(h::send);
                    deliveries.forEach(h::send);
                } else {
                    List<Object> all = new ArrayList<>(deliveries);
                    all.addAll(complaints);
                    all.sort(Comparator.comparing(e -> e instanceof DeliveryEvent d ? d.getEventTime()
                            : ((TicketEvent) e).getEventTime()));
                    all.forEach(e -> {
                        if (e instanceof DeliveryEvent d) {
                            h.send(d);
                        } else {
                            h.send((TicketEvent) e);
                        }
                    });
                }
                h.advanceAllTo("+2 23:00"); // after every complaint, before the wall clock (+3 00:00)
                h.wallClock(Duration.ofSeconds(31));
                List<PerfectOrderKpi> hourly = finals(h, WindowKind.HOURLY);
                long[] actual = new long[6];
                for (PerfectOrderKpi k : hourly) {
                    int hour = (int) Duration.between(day, k.getWindowStart()).toHours();
                    assertThat(hour).as(order).isBetween(0, 5);
                    actual[hour] = k.getPerfect() * 1_000_000L + k.getOnTimeDelivered() * 1_000L + k.getDeliveries();
                }
                assertThat(actual).as(order + ": perfect, on time, deliveries per hour").containsExactly(expected);
                assertThat(h.late.readRecordsToList()).as(order).isEmpty();
            }
        }
    }

    /** The contract, counted directly: per hour of delivery, perfect * 1e6 + on time delivered * 1e3 + deliveries. */
    private static long[] expectedPerHour(List<DeliveryEvent> deliveries, List<TicketEvent> complaints) {
        long[] perHour = new long[6];
        Instant day = at("00:00");
        for (DeliveryEvent d : deliveries) {
            int hour = (int) Duration.between(day, d.getEventTime()).toHours();
            boolean onTime = d.getStatus() == DELIVERED && !d.getEventTime().isAfter(d.getPromisedBy());
            boolean complained = complaints.stream().anyMatch(c -> c.getDeliveryId().equals(d.getDeliveryId())
                    && Duration.between(d.getEventTime(), c.getEventTime()).abs().compareTo(Duration.ofHours(24)) <= 0);
            perHour[hour] += 1 + (onTime ? 1_000 : 0) + (onTime && !complained ? 1_000_000 : 0);
        }
        return perHour;
    }

    /** A complaint read after the tickets' watermark closed its hour spoils nothing and is copied once. */
    @Test
    void shouldCopyAComplaintThatComesTooLateAndLeaveTheDeliveryPerfect() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(onTime("d-1", "08:20"));
            h.send(onTime("d-2", "08:25"));
            h.advanceAllTo("10:00");
            h.send(complaint("too-late", "d-1", DAMAGED, "08:30")); // its hour closed at 09:15
            h.advanceAllTo("+2 00:00");
            h.wallClock(Duration.ofSeconds(31));

            PerfectOrderKpi k = finals(h, WindowKind.HOURLY).stream()
                    .filter(r -> r.getWindowStart().equals(at("08:00"))).findFirst().orElseThrow();
            assertThat(k.getDeliveries()).isEqualTo(2);
            assertThat(k.getComplained()).isZero();
            assertThat(k.getPerfect()).isEqualTo(2);
            List<TestRecord<byte[], byte[]>> late = h.late.readRecordsToList();
            assertThat(late).hasSize(1);
            assertThat(new String(late.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("too-late");
            String families = new String(late.get(0).headers().lastHeader(RecordHeaderNames.LATE_KPI).value(),
                    StandardCharsets.UTF_8);
            assertThat(List.of(families.split(","))).contains("perfect-order");
        }
    }
}
