package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.topology.TopologyHarness.at;
import static dev.lastmile.kpi.topology.TopologyHarness.ticket;
import static dev.lastmile.kpi.topology.TopologyHarness.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.AlertKpi;
import dev.lastmile.kpi.avro.AlertState;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.KpiAlert;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketEventType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Alerts on final hourly region KPIs: state changes only, sample minimum, live target overrides. */
class AlertTopologyTest {

    private static int n;

    /** {@code count} deliveries in the hour starting at {@code hour}, {@code onTime} of them on time, 500 cents each. */
    private static void hour(TopologyHarness h, String region, String hour, int count, int onTime) {
        for (int i = 0; i < count; i++) {
            String at = hour.substring(0, 3) + String.format("%02d", 1 + i * 2);
            String promised = i < onTime ? hour.substring(0, 3) + "59" : hour;   // late ones promised at :00
            DeliveryEvent e = TopologyHarness.delivery("a" + (++n), region, DELIVERED, at, promised, 500);
            h.send(e);
        }
    }

    @Test
    void shouldFireOnTheFirstBreachAndResolveWhenBackWithinTarget() {
        try (TopologyHarness h = new TopologyHarness()) {
            hour(h, "north", "08:00", 20, 19);   // 0.95: fine
            hour(h, "north", "09:00", 20, 16);   // 0.80 < 0.93: FIRING
            hour(h, "north", "10:00", 20, 17);   // 0.85: still breaching, no new record
            hour(h, "north", "11:00", 10, 0);    // 0.00, but 10 < 20 samples: not checked
            hour(h, "north", "12:00", 20, 19);   // 0.95: RESOLVED
            h.advanceAllTo("13:20");

            List<KpiAlert> alerts = values(h.alerts);
            assertThat(alerts).extracting(KpiAlert::getKpi, KpiAlert::getState, KpiAlert::getValue,
                            KpiAlert::getTarget, KpiAlert::getSamples, KpiAlert::getWindowStart)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(AlertKpi.ON_TIME_RATE, AlertState.FIRING, 0.80, 0.93, 20L,
                                    at("09:00")),
                            org.assertj.core.groups.Tuple.tuple(AlertKpi.ON_TIME_RATE, AlertState.RESOLVED, 0.95, 0.93,
                                    20L, at("12:00")));
            assertThat(h.metrics.registry().get("lastmile.alerts").tag("state", "FIRING").counter().count())
                    .isEqualTo(1.0);
        }
    }

    @Test
    void shouldApplyLiveTargetOverridesRegionFirst() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.targets.pipeInput("ON_TIME_RATE:north", "0.75");
            h.targets.pipeInput("COST_PER_DELIVERY_CENTS", "400");
            h.targets.pipeInput("ON_TIME_RATE", "not a number");   // ignored: default 0.93 stays
            hour(h, "north", "09:00", 20, 16);   // 0.80 >= 0.75 for north: fine; cost 500 > 400: FIRING
            hour(h, "south", "09:00", 20, 16);   // 0.80 < 0.93 for south: FIRING; cost too
            h.advanceAllTo("10:20");

            assertThat(values(h.alerts)).extracting(a -> a.getKpi() + " " + a.getRegion() + " " + a.getState()
                    + " " + a.getTarget()).containsExactlyInAnyOrder(
                    "COST_PER_DELIVERY_CENTS north FIRING 400.0",
                    "COST_PER_DELIVERY_CENTS south FIRING 400.0",
                    "ON_TIME_RATE south FIRING 0.93");
        }
    }

    @Test
    void shouldAlertOnFirstContactResolution() {
        try (TopologyHarness h = new TopologyHarness()) {
            // 20 tickets resolved in hour 10; half had a customer reply first: FCR 0.5 < 0.82.
            for (int i = 0; i < 20; i++) {
                String t = "t" + i;
                String minute = String.format("%02d", 2 * i + 1);
                h.send(ticket(t + "o", t, null, "east", TicketCategory.OTHER, TicketEventType.OPENED, "09:" + minute));
                if (i % 2 == 0) {
                    h.send(ticket(t + "c", t, null, "east", TicketCategory.OTHER, TicketEventType.CUSTOMER_REPLY,
                            "09:" + String.format("%02d", 2 * i + 2)));
                }
                h.send(ticket(t + "r", t, null, "east", TicketCategory.OTHER, TicketEventType.RESOLVED, "10:" + minute));
            }
            h.advanceAllTo("11:20");
            assertThat(values(h.alerts)).singleElement().satisfies(a -> {
                assertThat(a.getKpi()).isEqualTo(AlertKpi.FIRST_CONTACT_RESOLUTION);
                assertThat(a.getState()).isEqualTo(AlertState.FIRING);
                assertThat(a.getValue()).isEqualTo(0.5);
                assertThat(a.getSamples()).isEqualTo(20);
            });
        }
    }
}
