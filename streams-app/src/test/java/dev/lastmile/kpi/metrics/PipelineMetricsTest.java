package dev.lastmile.kpi.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.SupportKpi;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.kpi.DeliveryCounts;
import dev.lastmile.kpi.kpi.DeliveryKpis;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The KPI gauges show the current window, whatever order records of other windows come in. */
class PipelineMetricsTest {

    private static final long HOUR = 3_600_000L;
    private static final long T0 = Instant.parse("2026-11-02T08:00:00Z").toEpochMilli();

    private static DeliveryKpi kpi(WindowKind window, long start, boolean isFinal, long deliveries, long onTime) {
        DeliveryCounts c = new DeliveryCounts(deliveries, deliveries, 0, onTime, deliveries - onTime, 0, 0);
        return DeliveryKpis.of("north", window, start, start + (window == WindowKind.HOURLY ? HOUR : 24 * HOUR),
                isFinal, c);
    }

    private static double gauge(PipelineMetrics m, String window) {
        return m.registry().get("lastmile_on_time_ratio").tag("region", "north").tag("window", window).gauge().value();
    }

    @Test
    void shouldShowTheNewestHourAndTheRollingWindowEndingWithIt() {
        PipelineMetrics m = PipelineMetrics.inMemory();
        m.kpi(kpi(WindowKind.HOURLY, T0 + HOUR, false, 10, 5));       // 09:00, open: 0.5
        m.kpi(kpi(WindowKind.HOURLY, T0, true, 10, 9));              // 08:00 final arrives later: older, not shown
        assertThat(gauge(m, "hourly")).isEqualTo(0.5);
        assertThat(m.latestFinal("lastmile_on_time_ratio", "hourly")).containsEntry("north", 0.9);

        // The newest hour with data is 09:00, so the window shown is the one ending 10:00, not the
        // one starting at 09:00 (that one holds mostly hours still to come).
        for (int i = 0; i < 24; i++) {
            long start = T0 + HOUR - i * HOUR;
            m.kpi(kpi(WindowKind.ROLLING_24H, start, false, 100, 100 - i));
        }
        assertThat(gauge(m, "rolling_24h")).isEqualTo(0.77);           // start 09:00 - 23 h: i = 23
        assertThat(m.latest("lastmile_on_time_ratio", "rolling_24h")).containsEntry("north", 0.77);
    }

    private static SupportKpi support(TicketCategory category, WindowKind window, long start, boolean isFinal,
                                      double fcr) {
        return SupportKpi.newBuilder().setRegion("north").setCategory(category).setWindow(window)
                .setWindowStart(Instant.ofEpochMilli(start))
                .setWindowEnd(Instant.ofEpochMilli(start + (window == WindowKind.HOURLY ? HOUR : 24 * HOUR)))
                .setFinal$(isFinal).setOpened(5).setReopened(0).setResolved(4).setAvgResolutionMinutes(30.0)
                .setAvgFirstResponseMinutes(2.0).setFirstContactResolutionRate(fcr).setEscalationRate(0.25)
                .setRepeatContactRate(0.0).build();
    }

    @Test
    void shouldShowSupportPerCategoryOverTheRolling24HoursOnlyBesideTheRegionLevelGauges() {
        PipelineMetrics m = PipelineMetrics.inMemory();
        Object task = new Object();
        m.kpi(support(null, WindowKind.HOURLY, T0, true, 0.5), task);                       // region level
        m.kpi(support(TicketCategory.BILLING, WindowKind.HOURLY, T0, true, 0.75), task);    // no hourly per category
        // The rolling window shown is the one ending with the newest hour (08:00-09:00), as for the region.
        m.kpi(support(TicketCategory.BILLING, WindowKind.ROLLING_24H, T0, false, 0.1), task);
        m.kpi(support(TicketCategory.BILLING, WindowKind.ROLLING_24H, T0 - 23 * HOUR, false, 0.8), task);
        m.kpi(support(TicketCategory.DAMAGED, WindowKind.ROLLING_24H, T0 - 23 * HOUR, true, 0.6), task);
        m.kpi(support(TicketCategory.DAMAGED, WindowKind.ROLLING_24H, T0, true, 0.2), task);

        var registry = m.registry();
        assertThat(registry.get("lastmile_first_contact_resolution_ratio").tag("window", "hourly").gauge().value())
                .isEqualTo(0.5);
        assertThat(registry.find("lastmile_first_contact_resolution_ratio").tagKeys("category").gauges()).isEmpty();
        assertThat(registry.get("lastmile_by_category_first_contact_resolution_ratio").tag("region", "north")
                .tag("window", "rolling_24h").tag("category", "BILLING").gauge().value()).isEqualTo(0.8);
        assertThat(registry.get("lastmile_by_category_first_contact_resolution_ratio").tag("category", "DAMAGED")
                .gauge().value()).isEqualTo(0.6);
        assertThat(registry.find("lastmile_by_category_first_contact_resolution_ratio").gauges()).hasSize(2);
        assertThat(registry.get("lastmile_by_category_resolution_time_seconds").tag("category", "BILLING").gauge().value())
                .isEqualTo(1800.0);
        assertThat(registry.get("lastmile_by_category_tickets_resolved").tag("category", "BILLING").gauge().value())
                .isEqualTo(4.0);
        // The closed-hour gauges stay per region; the region's closed hour is not a category's.
        assertThat(registry.get("lastmile_closed_hour_first_contact_resolution_ratio").gauge().value()).isEqualTo(0.5);
        assertThat(registry.find("lastmile_closed_hour_by_category_first_contact_resolution_ratio").gauges()).isEmpty();
        assertThat(m.latestFinal("lastmile_first_contact_resolution_ratio", "hourly")).containsOnlyKeys("north");

        m.retireKpis(task);
        assertThat(registry.find("lastmile_by_category_first_contact_resolution_ratio").gauges()).isEmpty();
    }

    @Test
    void shouldRemoveOnlyTheSeriesTheRetiredOwnerStillOwns() {
        PipelineMetrics m = PipelineMetrics.inMemory();
        Object taskA = new Object();
        Object taskB = new Object();
        m.kpi(kpi(WindowKind.HOURLY, T0, true, 10, 9), taskA);                        // north, by A
        m.kpi(DeliveryKpis.of("south", WindowKind.HOURLY, T0, T0 + HOUR, true,
                new DeliveryCounts(4, 4, 0, 2, 2, 0, 0)), taskA);                     // south, by A
        m.kpi(DeliveryKpis.of("south", WindowKind.HOURLY, T0 + HOUR, T0 + 2 * HOUR, false,
                new DeliveryCounts(4, 4, 0, 1, 3, 0, 0)), taskB);                     // south moved to B

        m.retireKpis(taskA);
        assertThat(m.registry().find("lastmile_on_time_ratio").tag("region", "north").gauge()).isNull();
        assertThat(m.latestFinal("lastmile_on_time_ratio", "hourly")).doesNotContainKey("north");
        assertThat(m.registry().get("lastmile_on_time_ratio").tag("region", "south").gauge().value()).isEqualTo(0.25);

        // A later owner of north starts the series afresh: no value of A's era comes back.
        m.kpi(kpi(WindowKind.HOURLY, T0 + HOUR, false, 10, 5), taskB);
        assertThat(gauge(m, "hourly")).isEqualTo(0.5);
        m.retireKpis(taskB);
        assertThat(m.registry().find("lastmile_on_time_ratio").gauges()).isEmpty();
    }

    @Test
    void shouldRetireAnAlertFiringSeriesOnlyByItsLastOwner() {
        PipelineMetrics m = PipelineMetrics.inMemory();
        Object taskA = new Object();
        Object taskB = new Object();
        m.firing("ON_TIME_RATE", "north", true, taskA);
        m.firing("ON_TIME_RATE", "south", true, taskA);
        m.firing("ON_TIME_RATE", "south", false, taskB); // south's task moved to B (re-exported from its state)
        m.retireAlerts(taskA);
        assertThat(m.registry().find("lastmile_alert_firing").tag("region", "north").gauge()).isNull();
        assertThat(m.registry().get("lastmile_alert_firing").tag("region", "south").gauge().value()).isZero();
        assertThat(m.firingAlerts()).isEmpty();
    }

    @Test
    void shouldShowNanWhenTheContractSaysNull() {
        PipelineMetrics m = PipelineMetrics.inMemory();
        m.kpi(kpi(WindowKind.HOURLY, T0, false, 0, 0));
        assertThat(gauge(m, "hourly")).isNaN();
    }

    @Test
    void shouldShowTheLastClosedHourWhateverOpenWindowsDo() {
        PipelineMetrics m = PipelineMetrics.inMemory();
        m.kpi(kpi(WindowKind.HOURLY, T0, true, 10, 9));             // 08:00 closed: 0.9
        m.kpi(kpi(WindowKind.HOURLY, T0 + HOUR, false, 2, 0));      // 09:00 just began: 0.0
        m.kpi(kpi(WindowKind.ROLLING_24H, T0, true, 10, 1));         // finals of rolling windows: not a closed hour
        assertThat(gauge(m, "hourly")).isZero();
        assertThat(m.registry().get("lastmile_closed_hour_on_time_ratio").tag("region", "north").gauge().value())
                .isEqualTo(0.9);
        assertThat(m.registry().get("lastmile_closed_hour_end_timestamp_seconds").tag("kpi", "delivery")
                .tag("region", "north").gauge().value()).isEqualTo((T0 + HOUR) / 1000.0);
        assertThat(m.registry().get("lastmile_closed_hour_deliveries").tag("region", "north").gauge().value())
                .isEqualTo(10.0);
    }

    @Test
    void shouldStartTheDeclaredCountersAtZero() {
        PipelineMetrics m = PipelineMetrics.inMemory();
        m.declareInput("in.deliveries");
        m.declareLate("delivery-kpi");
        assertThat(m.registry().find("lastmile.dlq.records").tag("topic", "in.deliveries").counters())
                .hasSize(PipelineMetrics.DLQ_REASONS.size());
        assertThat(m.registry().get("lastmile.records.in").tag("topic", "in.deliveries").counter().count()).isZero();
        assertThat(m.registry().get("lastmile.duplicates.dropped").counter().count()).isZero();
        assertThat(m.registry().get("lastmile.late.records").tag("kpi", "delivery-kpi").counter().count()).isZero();
        assertThat(m.registry().find("lastmile.alerts").counters()).hasSize(12); // 4 KPIs x FIRING, RESOLVED, PREDICTED
        m.dlq("in.deliveries", "too_long");
        assertThat(m.registry().get("lastmile.dlq.records").tag("reason", "too_long").counter().count()).isOne();
    }

    @Test
    void shouldListEveryLiveDlqReasonTheReadmeNames() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        java.util.Set<String> codes = new java.util.TreeSet<>();
        java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| `([a-z_0-9]+)`(?:, `[a-z_0-9]+`)* \\|")
                .matcher(readme.substring(readme.indexOf("## Input rules"), readme.indexOf("## Configuration")));
        while (row.find()) {
            java.util.regex.Matcher code = java.util.regex.Pattern.compile("`([a-z_0-9]+)`").matcher(row.group());
            while (code.find()) {
                codes.add(code.group(1));
            }
        }
        codes.removeAll(java.util.List.of("invalid_utf8", "not_json", "invalid_field")); // replay only
        assertThat(codes).containsExactlyInAnyOrderElementsOf(PipelineMetrics.DLQ_REASONS);
    }
}
