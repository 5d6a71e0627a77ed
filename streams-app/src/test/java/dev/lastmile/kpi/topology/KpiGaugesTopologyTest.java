package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.topology.TopologyHarness.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The per-region KPI and alert-firing gauges live as long as the task that sets them: closing the
 * task (what a revocation or a shutdown does) removes its series, so an instance that lost a
 * region stops exporting it.
 */
class KpiGaugesTopologyTest {

    private static boolean exported(MeterRegistry registry, String region) {
        return registry.find("lastmile_on_time_ratio").tag("region", region).gauge() != null;
    }

    @Test
    void shouldRetireTheGaugesOfItsRegionsWhenTheTaskIsClosed() {
        TopologyHarness h = new TopologyHarness();
        MeterRegistry registry = h.metrics.registry();
        try (h) {
            h.send(delivery("a", "north", DELIVERED, "08:10", "08:30", 100));
            h.send(delivery("b", "south", DELIVERED, "08:20", "08:10", 100));
            h.advanceTo("09:16"); // closes the 08:00 hour: finals set the gauges
            assertThat(exported(registry, "north")).isTrue();
            assertThat(registry.get("lastmile_on_time_ratio").tag("region", "south").tag("window", "hourly")
                    .gauge().value()).isEqualTo(0.0);
        } // TopologyTestDriver.close() closes every task, as a revocation closes the revoked ones
        assertThat(registry.find("lastmile_on_time_ratio").gauges()).isEmpty();
        assertThat(registry.find("lastmile_deliveries").gauges()).isEmpty();
        assertThat(h.metrics.latest("lastmile_on_time_ratio", "hourly")).isEmpty();
        // Not region series: counters and the per-family last-update time stay.
        assertThat(registry.find("lastmile_kpi_last_update_timestamp_seconds").gauges()).isNotEmpty();
    }

    @Test
    void shouldRetireTheAlertFiringSeriesOfItsRegionsWhenTheTaskIsClosed() {
        TopologyHarness h = new TopologyHarness();
        MeterRegistry registry = h.metrics.registry();
        try (h) {
            for (int i = 0; i < 20; i++) { // 16 of 20 on time: 0.80 < 0.93
                String at = String.format("09:%02d", 1 + i * 2);
                h.send(delivery("f" + i, "north", DELIVERED, at, i < 16 ? "09:59" : "09:00", 500));
            }
            h.advanceTo("10:20");
            assertThat(registry.get("lastmile_alert_firing").tag("kpi", "ON_TIME_RATE").tag("region", "north")
                    .gauge().value()).isEqualTo(1.0);
        }
        assertThat(registry.find("lastmile_alert_firing").gauges()).isEmpty();
        assertThat(registry.get("lastmile.alerts").tag("state", "FIRING").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldShowTheLastClosedHourBesideTheOpenOneAndDropItWithTheTask() {
        TopologyHarness h = new TopologyHarness();
        MeterRegistry registry = h.metrics.registry();
        try (h) {
            h.send(delivery("a", "north", DELIVERED, "08:10", "08:30", 100));
            h.send(delivery("b", "north", DELIVERED, "08:20", "08:10", 100));
            h.advanceTo("09:16"); // closes 08:00: 1 of 2 on time
            h.send(delivery("c", "north", DELIVERED, "09:20", "09:10", 100));
            h.wallClock(java.time.Duration.ofMinutes(2)); // open-window update of 09:00: 0 of 1
            assertThat(registry.get("lastmile_closed_hour_on_time_ratio").tag("region", "north").gauge().value())
                    .isEqualTo(0.5);
            assertThat(registry.get("lastmile_closed_hour_end_timestamp_seconds").tag("kpi", "delivery")
                    .tag("region", "north").gauge().value())
                    .isEqualTo(java.time.Instant.parse("2026-11-02T09:00:00Z").getEpochSecond());
            assertThat(registry.find("lastmile_closed_hour_on_time_ratio").tag("window", "hourly").gauge()).isNull();
        }
        assertThat(registry.find("lastmile_closed_hour_on_time_ratio").gauges()).isEmpty();
        assertThat(registry.find("lastmile_closed_hour_end_timestamp_seconds").gauges()).isEmpty();
    }

    @Test
    void shouldStartAlertFiringAtZeroAndShowTheLiveTargetForEveryKpiAndRegionSeen() {
        TopologyHarness h = new TopologyHarness();
        MeterRegistry registry = h.metrics.registry();
        try (h) {
            h.send(delivery("a", "north", DELIVERED, "08:10", "08:30", 100)); // below the sample minimum
            h.advanceTo("09:16");
            assertThat(registry.get("lastmile_alert_firing").tag("kpi", "ON_TIME_RATE").tag("region", "north")
                    .gauge().value()).isZero();
            assertThat(registry.get("lastmile_kpi_target").tag("kpi", "ON_TIME_RATE").tag("region", "north")
                    .gauge().value()).isEqualTo(0.93);
            assertThat(registry.get("lastmile_kpi_target").tag("kpi", "COST_PER_DELIVERY_CENTS")
                    .tag("region", "north").gauge().value()).isEqualTo(750.0);
            h.targets.pipeInput("ON_TIME_RATE:north", "0.9");
            h.targets.pipeInput("COST_PER_DELIVERY_CENTS", "400");
            assertThat(registry.get("lastmile_kpi_target").tag("kpi", "ON_TIME_RATE").tag("region", "north")
                    .gauge().value()).isEqualTo(0.9);
            assertThat(registry.get("lastmile_kpi_target").tag("kpi", "COST_PER_DELIVERY_CENTS")
                    .tag("region", "north").gauge().value()).isEqualTo(400.0);
            h.targets.pipeInput("ON_TIME_RATE:north", (String) null); // override removed: the default again
            assertThat(registry.get("lastmile_kpi_target").tag("kpi", "ON_TIME_RATE").tag("region", "north")
                    .gauge().value()).isEqualTo(0.93);
            // Nothing fired: the state-change counters exist anyway, at 0.
            assertThat(registry.get("lastmile.alerts").tag("kpi", "ON_TIME_RATE").tag("state", "FIRING")
                    .counter().count()).isZero();
        }
        assertThat(registry.find("lastmile_alert_firing").gauges()).isEmpty();
        assertThat(registry.find("lastmile_kpi_target").gauges()).isEmpty();
    }

    @Test
    void shouldStartTheInputLateAndDlqCountersAtZero() {
        TopologyHarness h = new TopologyHarness();
        MeterRegistry registry = h.metrics.registry();
        try (h) {
            h.advanceTo("08:01");
            assertThat(registry.find("lastmile.dlq.records").tag("reason", "undecodable").counters())
                    .hasSizeGreaterThanOrEqualTo(3).allSatisfy(c -> assertThat(c.count()).isZero());
            assertThat(registry.find("lastmile.late.records").tag("kpi", "delivery-kpi").counter()).isNotNull();
            assertThat(registry.find("lastmile.duplicates.dropped").counters()).hasSizeGreaterThanOrEqualTo(3);
        }
    }
}
