package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.ExperienceKpi;
import dev.lastmile.kpi.avro.WindowKind;
import java.time.Instant;
import java.util.TreeMap;

/** The contract's experience KPI formulas, applied to the counts of one region and window. */
public final class ExperienceKpis {

    private ExperienceKpis() {
    }

    public static ExperienceKpi of(String region, WindowKind window, long start, long end, boolean isFinal,
                                   ExperienceCounts c) {
        Double nps = c.npsResponses() == 0 ? null
                : 100.0 * (c.npsPromoters() - c.npsDetractors()) / c.npsResponses();
        return ExperienceKpi.newBuilder()
                .setRegion(region).setWindow(window)
                .setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(end))
                .setFinal$(isFinal)
                .setCsatResponses(c.csatResponses())
                .setCsatRate(Ratios.ratio(c.csatSatisfied(), c.csatResponses()))
                .setCsatAvg(Ratios.ratio(c.csatSum(), c.csatResponses()))
                .setNpsResponses(c.npsResponses())
                .setNps(nps)
                .setCesResponses(c.cesResponses())
                .setCesAvg(Ratios.ratio(c.cesSum(), c.cesResponses()))
                .setDissatisfiedReasons(new TreeMap<>(c.dissatisfiedReasons()))
                .build();
    }
}
