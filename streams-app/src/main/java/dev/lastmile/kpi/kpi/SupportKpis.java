package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.SupportKpi;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.WindowKind;
import java.time.Instant;

/** The contract's support KPI formulas, applied to the counts of one region (x category) and window. */
public final class SupportKpis {

    private SupportKpis() {
    }

    public static SupportKpi of(String region, TicketCategory category, WindowKind window, long start, long end,
                                boolean isFinal, SupportCounts c) {
        return SupportKpi.newBuilder()
                .setRegion(region).setCategory(category).setWindow(window)
                .setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(end))
                .setFinal$(isFinal)
                .setOpened(c.opened()).setReopened(c.reopened()).setResolved(c.resolved())
                .setAvgResolutionMinutes(Ratios.meanMinutes(c.resolutionMsSum(), c.timedResolutions()))
                .setAvgFirstResponseMinutes(Ratios.meanMinutes(c.firstResponseMsSum(), c.timedResolutions()))
                .setFirstContactResolutionRate(Ratios.ratio(c.firstContactResolutions(), c.resolved()))
                .setEscalationRate(Ratios.ratio(c.escalated(), c.resolved()))
                .setRepeatContactRate(Ratios.ratio(c.repeatContacts(), c.resolved()))
                .build();
    }
}
