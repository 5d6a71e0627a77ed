package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.topology.TopologyHarness.at;
import static dev.lastmile.kpi.topology.TopologyHarness.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lastmile.kpi.avro.AlertState;
import dev.lastmile.kpi.avro.KpiAlert;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PREDICTED ahead of a slow slide, FIRING when it really breaches, a fresh history after RESOLVED. */
class PredictedAlertTopologyTest {

    private static int n;

    /** 200 deliveries in the hour starting at {@code hour}, {@code onTime} of them on time. */
    private static void hour(TopologyHarness h, String hour, int onTime) {
        for (int i = 0; i < 200; i++) {
            String at = hour.substring(0, 3) + String.format("%02d", 1 + i % 58);
            String promised = i < onTime ? hour.substring(0, 3) + "59" : hour;
            h.send(TopologyHarness.delivery("p" + (++n), "north", DELIVERED, at, promised, 500));
        }
    }

    /** 0.995, 0.985, ..., 0.955 from 04:00 to 09:00: losing 0.01 an hour, 0.925 three hours after the last. */
    private static void slideFrom4To9(TopologyHarness h) {
        for (int i = 0; i < 5; i++) {
            hour(h, String.format("%02d:00", 4 + i), 199 - 2 * i);
        }
    }

    @Test
    void shouldPredictASlideBeforeItBreachesThenFireAndStartAfresh() {
        try (TopologyHarness h = new TopologyHarness()) {
            slideFrom4To9(h);   // fifth hour: PREDICTED (0.945, 0.935, 0.925 < 0.93)
            hour(h, "09:00", 189);   // 0.945: still predicted, no record
            hour(h, "10:00", 184);   // 0.92: FIRING
            hour(h, "11:00", 200);   // 1.0: RESOLVED; the history starts again here
            hour(h, "12:00", 199);
            hour(h, "13:00", 199);
            hour(h, "14:00", 199);
            h.advanceAllTo("15:20");

            List<KpiAlert> alerts = values(h.alerts);
            assertThat(alerts).extracting(a -> a.getState() + " " + a.getWindowStart())
                    .containsExactly("PREDICTED " + at("08:00"), "FIRING " + at("10:00"), "RESOLVED " + at("11:00"));
            KpiAlert predicted = alerts.get(0);
            assertThat(predicted.getHorizonHours()).isEqualTo(3);
            assertThat(predicted.getForecast()).isCloseTo(0.925, within(1e-6));
            assertThat(predicted.getValue()).isCloseTo(0.955, within(1e-9));
            assertThat(alerts.get(1).getForecast()).isNull();
            assertThat(h.metrics.registry().get("lastmile_alert_predicted").tag("kpi", "ON_TIME_RATE")
                    .tag("region", "north").gauge().value()).isZero();
        }
    }

    @Test
    void shouldExportThePredictedGaugeWhilePredicted() {
        try (TopologyHarness h = new TopologyHarness()) {
            slideFrom4To9(h);
            h.advanceAllTo("09:20");

            assertThat(values(h.alerts)).extracting(KpiAlert::getState).containsExactly(AlertState.PREDICTED);
            assertThat(h.metrics.registry().get("lastmile_alert_predicted").tag("kpi", "ON_TIME_RATE")
                    .tag("region", "north").gauge().value()).isEqualTo(1.0);
            assertThat(h.metrics.registry().get("lastmile_alert_predicted").tag("kpi", "COST_PER_DELIVERY_CENTS")
                    .tag("region", "north").gauge().value()).isZero();
        }
    }
}
