package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.TicketCategory.BILLING;
import static dev.lastmile.kpi.avro.TicketCategory.DAMAGED;
import static dev.lastmile.kpi.avro.TicketCategory.LATE_DELIVERY;
import static dev.lastmile.kpi.avro.TicketEventType.AGENT_REPLY;
import static dev.lastmile.kpi.avro.TicketEventType.CUSTOMER_REPLY;
import static dev.lastmile.kpi.avro.TicketEventType.ESCALATED;
import static dev.lastmile.kpi.avro.TicketEventType.OPENED;
import static dev.lastmile.kpi.avro.TicketEventType.REOPENED;
import static dev.lastmile.kpi.avro.TicketEventType.RESOLVED;
import static dev.lastmile.kpi.topology.TopologyHarness.at;
import static dev.lastmile.kpi.topology.TopologyHarness.survey;
import static dev.lastmile.kpi.topology.TopologyHarness.ticket;
import static dev.lastmile.kpi.topology.TopologyHarness.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lastmile.kpi.avro.ExperienceKpi;
import dev.lastmile.kpi.avro.SupportKpi;
import dev.lastmile.kpi.avro.SurveyKind;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.WindowKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Support and experience KPIs through the production topology, every number worked out by hand. */
class SupportAndExperienceTopologyTest {

    private static SupportKpi support(List<SupportKpi> kpis, TicketCategory category, String start) {
        List<SupportKpi> found = kpis.stream().filter(k -> k.getRegion().equals("north")
                && k.getWindow() == WindowKind.HOURLY && k.getFinal$() && k.getCategory() == category
                && k.getWindowStart().equals(at(start))).toList();
        assertThat(found).as("north %s %s", category, start).hasSize(1);
        return found.get(0);
    }

    @Test
    void shouldComputeResolutionFirstResponseFcrEscalationAndRepeatContact() {
        try (TopologyHarness h = new TopologyHarness()) {
            // t1: replied 10 min after opening, resolved at 40 min, nothing else: first-contact resolution.
            h.send(ticket("1a", "t1", "d1", "north", LATE_DELIVERY, OPENED, "08:00"));
            h.send(ticket("1b", "t1", "d1", "north", LATE_DELIVERY, AGENT_REPLY, "08:10"));
            h.send(ticket("1c", "t1", "d1", "north", LATE_DELIVERY, RESOLVED, "08:40"));
            // t2: the customer wrote again before the resolution: repeat contact, not FCR.
            h.send(ticket("2a", "t2", "d2", "north", DAMAGED, OPENED, "08:05"));
            h.send(ticket("2b", "t2", "d2", "north", DAMAGED, CUSTOMER_REPLY, "08:15"));
            h.send(ticket("2c", "t2", "d2", "north", DAMAGED, AGENT_REPLY, "08:20"));
            h.send(ticket("2d", "t2", "d2", "north", DAMAGED, RESOLVED, "08:50"));
            // t3: escalated, resolved with no agent reply (first response = resolution), reopened,
            // resolved again: counts once as resolved, by its first resolution.
            h.send(ticket("3a", "t3", "d3", "north", LATE_DELIVERY, OPENED, "08:10"));
            h.send(ticket("3b", "t3", "d3", "north", LATE_DELIVERY, ESCALATED, "08:20"));
            h.send(ticket("3c", "t3", "d3", "north", LATE_DELIVERY, RESOLVED, "08:55"));
            h.send(ticket("3d", "t3", "d3", "north", LATE_DELIVERY, REOPENED, "08:58"));
            h.send(ticket("3e", "t3", "d3", "north", LATE_DELIVERY, RESOLVED, "09:05"));
            // t4: never resolved: opened, but not in resolved.
            h.send(ticket("4a", "t4", null, "north", BILLING, OPENED, "08:30"));
            h.send(ticket("4b", "t4", null, "north", BILLING, AGENT_REPLY, "08:35"));
            h.advanceAllTo("10:20");

            List<SupportKpi> kpis = values(h.supportKpis);
            SupportKpi region = support(kpis, null, "08:00");
            assertThat(region.getOpened()).isEqualTo(4);
            assertThat(region.getReopened()).isEqualTo(1);
            assertThat(region.getResolved()).isEqualTo(3);
            assertThat(region.getAvgResolutionMinutes()).isCloseTo((40 + 45 + 45) / 3.0, within(1e-9));
            assertThat(region.getAvgFirstResponseMinutes()).isCloseTo((10 + 15 + 45) / 3.0, within(1e-9));
            assertThat(region.getFirstContactResolutionRate()).isCloseTo(1 / 3.0, within(1e-12));
            assertThat(region.getEscalationRate()).isCloseTo(1 / 3.0, within(1e-12));
            assertThat(region.getRepeatContactRate()).isCloseTo(1 / 3.0, within(1e-12));

            SupportKpi late = support(kpis, LATE_DELIVERY, "08:00");        // t1, t3
            assertThat(late.getOpened()).isEqualTo(2);
            assertThat(late.getReopened()).isEqualTo(1);
            assertThat(late.getResolved()).isEqualTo(2);
            assertThat(late.getAvgResolutionMinutes()).isEqualTo(42.5);      // (40 + 45) / 2
            assertThat(late.getAvgFirstResponseMinutes()).isEqualTo(27.5);   // (10 + 45) / 2
            assertThat(late.getFirstContactResolutionRate()).isEqualTo(0.5);
            assertThat(late.getEscalationRate()).isEqualTo(0.5);
            assertThat(late.getRepeatContactRate()).isEqualTo(0.0);

            SupportKpi damaged = support(kpis, DAMAGED, "08:00");            // t2
            assertThat(damaged.getRepeatContactRate()).isEqualTo(1.0);
            assertThat(damaged.getFirstContactResolutionRate()).isEqualTo(0.0);

            SupportKpi billing = support(kpis, BILLING, "08:00");            // t4, open
            assertThat(billing.getOpened()).isEqualTo(1);
            assertThat(billing.getResolved()).isZero();
            assertThat(billing.getFirstContactResolutionRate()).isNull();
            assertThat(billing.getAvgResolutionMinutes()).isNull();

            // The second RESOLVED of t3 (09:05) counts nowhere: no north record for hour 09.
            assertThat(kpis).noneMatch(k -> k.getRegion().equals("north") && k.getWindow() == WindowKind.HOURLY
                    && k.getWindowStart().equals(at("09:00")));
        }
    }

    @Test
    void shouldComputeNpsCsatCesAndDissatisfiedReasons() {
        try (TopologyHarness h = new TopologyHarness()) {
            int i = 0;
            for (int score : new int[] {10, 9, 8, 7, 6, 0, 3}) {           // 2 promoters, 2 passives, 3 detractors
                h.send(survey("n" + i++, "north", SurveyKind.NPS, score, "10:05",
                        score == 6 ? new String[] {"damaged"} : score == 9 ? new String[] {"late"} : new String[0]));
            }
            h.send(survey("c1", "north", SurveyKind.CSAT, 5, "10:10"));
            h.send(survey("c2", "north", SurveyKind.CSAT, 4, "10:11", "late"));  // satisfied: reason not counted
            h.send(survey("c3", "north", SurveyKind.CSAT, 2, "10:12", "late", "driver_communication"));
            h.send(survey("c4", "north", SurveyKind.CSAT, 1, "10:13", "late"));
            h.send(survey("e1", "north", SurveyKind.CES, 3, "10:20"));
            h.send(survey("e2", "north", SurveyKind.CES, 6, "10:21"));
            h.send(survey("e2", "north", SurveyKind.CES, 6, "10:21"));            // duplicate: once
            h.advanceAllTo("11:20");

            ExperienceKpi k = values(h.experienceKpis).stream().filter(x -> x.getRegion().equals("north")
                    && x.getWindow() == WindowKind.HOURLY && x.getFinal$()).findFirst().orElseThrow();
            assertThat(k.getNpsResponses()).isEqualTo(7);
            assertThat(k.getNps()).isCloseTo(100.0 * (2 - 3) / 7, within(1e-9)); // -14.29
            assertThat(k.getCsatResponses()).isEqualTo(4);
            assertThat(k.getCsatRate()).isEqualTo(0.5);                            // 5 and 4 of 4
            assertThat(k.getCsatAvg()).isEqualTo(3.0);                             // (5+4+2+1)/4
            assertThat(k.getCesResponses()).isEqualTo(2);
            assertThat(k.getCesAvg()).isEqualTo(4.5);
            assertThat(k.getDissatisfiedReasons())
                    .isEqualTo(Map.of("late", 2L, "driver_communication", 1L, "damaged", 1L));
        }
    }
}
