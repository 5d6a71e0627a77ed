package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.PerfectOrderKpi;
import dev.lastmile.kpi.avro.WindowKind;
import java.time.Instant;

/** The contract's perfect-order formula, applied to the counts of one region and window. */
public final class PerfectOrderKpis {

    private PerfectOrderKpis() {
    }

    public static PerfectOrderKpi of(String region, WindowKind window, long start, long end, boolean isFinal,
                                     PerfectOrderCounts c) {
        return PerfectOrderKpi.newBuilder()
                .setRegion(region).setWindow(window)
                .setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(end))
                .setFinal$(isFinal)
                .setDeliveries(c.deliveries()).setOnTimeDelivered(c.onTimeDelivered())
                .setComplained(c.complained()).setPerfect(c.perfect())
                .setPerfectOrderRate(Ratios.ratio(c.perfect(), c.deliveries()))
                .build();
    }
}
