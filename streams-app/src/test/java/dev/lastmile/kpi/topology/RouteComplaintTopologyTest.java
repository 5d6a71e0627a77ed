package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.avro.DeliveryStatus.DISPATCHED;
import static dev.lastmile.kpi.avro.DeliveryStatus.FAILED;
import static dev.lastmile.kpi.avro.TicketCategory.BILLING;
import static dev.lastmile.kpi.avro.TicketCategory.DAMAGED;
import static dev.lastmile.kpi.avro.TicketCategory.LATE_DELIVERY;
import static dev.lastmile.kpi.avro.TicketCategory.MISSED_DELIVERY;
import static dev.lastmile.kpi.avro.TicketCategory.WRONG_ITEM;
import static dev.lastmile.kpi.avro.TicketEventType.OPENED;
import static dev.lastmile.kpi.topology.TopologyHarness.at;
import static dev.lastmile.kpi.topology.TopologyHarness.ticket;
import static dev.lastmile.kpi.topology.TopologyHarness.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lastmile.kpi.avro.CorrelationLevel;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.TicketCategory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The route-delay / complaint correlation on a small region worked out by hand.
 *
 * <pre>
 * route  deliveries  late (of which)                complaints              late_rate  complaint_rate
 * A      10          8 (7 delivered 30 min late, 1 failed)  4 LATE_DELIVERY  0.8        0.4
 * B      10          2 (delivered 10 min late)       1 DAMAGED               0.2        0.1
 * C       5          1 (failed)                      0                       0.2        0.0
 * D       4          4 (delivered 20 min late)       2 (WRONG_ITEM, LATE)    1.0        0.5  (under 5 deliveries)
 * UNKNOWN 0          -                               1 MISSED_DELIVERY (delivery d-ghost never seen)
 * </pre>
 * Region (A-D): 29 deliveries, 15 late, 7 complaints. Qualifying routes (>= 5 deliveries): A, B, C.
 * Pearson r over (0.8, 0.4), (0.2, 0.1), (0.2, 0.0): scaled to (8,4), (2,1), (2,0), deviations
 * x (4,-2,-2), y (7/3,-2/3,-5/3): sxy = 14, sxx = 24, syy = 26/3, r = 14 / sqrt(208) = 7 / (2 sqrt 13).
 * Hotspots: late_rate >= 1.5 * 15/29 = 0.776 and complaint_rate >= 1.5 * 7/29 = 0.362: only A
 * (D would be, but has under 5 deliveries).
 */
class RouteComplaintTopologyTest {

    private static int n;

    private static void deliveries(TopologyHarness h, String route, int count, DeliveryStatus status,
                                   int minutesLate, List<String> ids) {
        for (int i = 0; i < count; i++) {
            String id = route + "-" + (++n);
            ids.add("d-" + id);
            // Promised 08:20; delivered at 08:20 + minutesLate (on time when <= 0), all within hour 08.
            DeliveryEvent e = DeliveryEvent.newBuilder().setEventId(id).setDeliveryId("d-" + id).setRouteId(route)
                    .setDriverId("x").setRegion("west").setStatus(status)
                    .setEventTime(at("08:20").plusSeconds(60L * minutesLate)).setPromisedBy(at("08:20"))
                    .setCostCents(500).build();
            h.send(e);
        }
    }

    private static RouteComplaintKpi route(List<RouteComplaintKpi> kpis, String route) {
        return kpis.stream().filter(k -> k.getLevel() == CorrelationLevel.ROUTE && route.equals(k.getRouteId())
                && k.getWindowEnd().equals(at("09:00"))).findFirst().orElseThrow();
    }

    @Test
    void shouldCorrelateRouteDelaysWithComplaintsAndFindTheHotspot() {
        try (TopologyHarness h = new TopologyHarness()) {
            List<String> a = new java.util.ArrayList<>();
            List<String> b = new java.util.ArrayList<>();
            List<String> c = new java.util.ArrayList<>();
            List<String> d = new java.util.ArrayList<>();
            deliveries(h, "A", 2, DELIVERED, -5, a);
            deliveries(h, "A", 7, DELIVERED, 30, a);
            deliveries(h, "A", 1, FAILED, 0, a);
            deliveries(h, "B", 8, DELIVERED, 0, b);
            deliveries(h, "B", 2, DELIVERED, 10, b);
            deliveries(h, "C", 4, DELIVERED, -10, c);
            deliveries(h, "C", 1, FAILED, 5, c);
            deliveries(h, "D", 4, DELIVERED, 20, d);
            for (int i = 0; i < 4; i++) {
                h.send(ticket("ta" + i, "ta" + i, a.get(i), "west", LATE_DELIVERY, OPENED, "08:5" + (i + 1)));  // after the deliveries they are about
            }
            h.send(ticket("tb", "tb", b.get(0), "west", DAMAGED, OPENED, "08:55"));
            h.send(ticket("td1", "td1", d.get(0), "west", WRONG_ITEM, OPENED, "08:56"));
            h.send(ticket("td2", "td2", d.get(1), "west", LATE_DELIVERY, OPENED, "08:57"));
            h.send(ticket("tg", "tg", "d-ghost", "west", MISSED_DELIVERY, OPENED, "08:58"));
            h.send(ticket("tx", "tx", a.get(5), "west", BILLING, OPENED, "08:59"));      // not a complaint category
            h.send(ticket("ty", "ty", null, "west", LATE_DELIVERY, OPENED, "08:59"));    // no delivery: not a complaint
            h.advanceAllTo("+1 09:20");

            List<RouteComplaintKpi> kpis = values(h.routeKpis).stream()
                    .filter(k -> k.getRegion().equals("west") && k.getFinal$()).toList();
            RouteComplaintKpi routeA = route(kpis, "A");
            assertThat(routeA.getDeliveries()).isEqualTo(10);
            assertThat(routeA.getLate()).isEqualTo(8);
            assertThat(routeA.getLateRate()).isEqualTo(0.8);
            assertThat(routeA.getAvgDelayMinutes()).isEqualTo(30.0);
            assertThat(routeA.getComplaints()).isEqualTo(4);
            assertThat(routeA.getComplaintRate()).isEqualTo(0.4);
            assertThat(routeA.getComplaintsByCategory()).isEqualTo(Map.of("LATE_DELIVERY", 4L));
            assertThat(route(kpis, "C").getAvgDelayMinutes()).isNull();              // only a FAILED was late
            RouteComplaintKpi unknown = route(kpis, "UNKNOWN");
            assertThat(unknown.getComplaints()).isEqualTo(1);
            assertThat(unknown.getDeliveries()).isZero();
            assertThat(unknown.getComplaintRate()).isNull();

            RouteComplaintKpi region = kpis.stream().filter(k -> k.getLevel() == CorrelationLevel.REGION
                    && k.getWindowEnd().equals(at("09:00"))).findFirst().orElseThrow();
            assertThat(region.getRouteId()).isNull();
            assertThat(region.getDeliveries()).isEqualTo(29);
            assertThat(region.getLate()).isEqualTo(15);
            assertThat(region.getComplaints()).isEqualTo(7);
            assertThat(region.getComplaintsByCategory())
                    .isEqualTo(Map.of("LATE_DELIVERY", 5L, "DAMAGED", 1L, "WRONG_ITEM", 1L));
            assertThat(region.getRoutes()).isEqualTo(3);
            assertThat(region.getPearsonR()).isCloseTo(7 / (2 * Math.sqrt(13)), within(1e-12));
            assertThat(region.getHotspots()).containsExactly("A");

            // One ROUTE record per route and REGION record per window: ends 09:00 .. +1 08:00.
            assertThat(kpis.stream().filter(k -> k.getLevel() == CorrelationLevel.REGION)).hasSize(24);
            assertThat(kpis.stream().filter(k -> k.getLevel() == CorrelationLevel.ROUTE)).hasSize(24 * 5);
        }
    }

    @Test
    void shouldAttributeAComplaintReadBeforeItsDeliveryOnceTheDeliveriesCatchUp() {
        try (TopologyHarness h = new TopologyHarness()) {
            // The ticket side is read ahead: the complaint comes in before any delivery event.
            h.send(ticket("t1", "t1", "d-late-read", "east", LATE_DELIVERY, OPENED, "09:40"));
            h.send(TopologyHarness.delivery("dispatch", "east", DISPATCHED, "08:00", "09:00", 0));
            DeliveryEvent done = DeliveryEvent.newBuilder(TopologyHarness.delivery("done", "east", DELIVERED,
                    "09:30", "09:00", 700)).setDeliveryId("d-late-read").setRouteId("r-east-7").build();
            h.send(done);
            h.advanceAllTo("+1 10:30");

            List<RouteComplaintKpi> kpis = values(h.routeKpis).stream()
                    .filter(k -> k.getRegion().equals("east") && k.getFinal$()
                            && k.getWindowEnd().equals(at("10:00"))).toList();
            assertThat(kpis).anySatisfy(k -> {
                assertThat(k.getRouteId()).isEqualTo("r-east-7");
                assertThat(k.getComplaints()).isEqualTo(1);
                assertThat(k.getDeliveries()).isEqualTo(1);
            });
            assertThat(kpis).noneMatch(k -> "UNKNOWN".equals(k.getRouteId()));
            assertThat(h.late.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldCountAComplaintWhileItsDeliveryWindowIsOpenAndUpdateTheRegion() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(TopologyHarness.delivery("e1", "south", DELIVERED, "08:10", "08:00", 100));
            h.wallClock(java.time.Duration.ofSeconds(1));
            List<RouteComplaintKpi> before = values(h.routeKpis).stream()
                    .filter(k -> k.getRegion().equals("south") && k.getWindowEnd().equals(at("09:00"))).toList();
            assertThat(before).allMatch(k -> !k.getFinal$() && k.getComplaints() == 0).hasSize(2); // route + region

            h.send(ticket("t1", "t1", "d-e1", "south", LATE_DELIVERY, OPENED, "08:20"));
            h.wallClock(java.time.Duration.ofSeconds(1));
            List<RouteComplaintKpi> after = values(h.routeKpis).stream()
                    .filter(k -> k.getRegion().equals("south") && k.getWindowEnd().equals(at("09:00"))).toList();
            assertThat(after).hasSize(2).allMatch(k -> !k.getFinal$() && k.getComplaints() == 1);
            assertThat(after).anyMatch(k -> k.getLevel() == CorrelationLevel.REGION && k.getComplaintRate() == 1.0);
        }
    }

    @Test
    void shouldKeepComplaintCategoriesApartFromOtherTickets() {
        assertThat(dev.lastmile.kpi.kpi.RouteObservation.isComplaint(TicketCategory.BILLING)).isFalse();
        assertThat(dev.lastmile.kpi.kpi.RouteObservation.isComplaint(TicketCategory.OTHER)).isFalse();
        assertThat(dev.lastmile.kpi.kpi.RouteObservation.isComplaint(TicketCategory.DRIVER_CONDUCT)).isTrue();
    }
}
