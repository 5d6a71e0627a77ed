package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.WindowKind;
import java.time.Instant;

/** The contract's delivery KPI formulas, applied to the counts of one region and window. */
public final class DeliveryKpis {

    private DeliveryKpis() {
    }

    public static DeliveryKpi of(String region, WindowKind window, long start, long end, boolean isFinal,
                                 DeliveryCounts c) {
        return DeliveryKpi.newBuilder()
                .setRegion(region).setWindow(window)
                .setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(end))
                .setFinal$(isFinal)
                .setDeliveries(c.deliveries()).setDelivered(c.delivered()).setFailed(c.failed())
                .setOnTime(c.onTime()).setLateDelivered(c.lateDelivered())
                .setOnTimeRate(Ratios.ratio(c.onTime(), c.deliveries()))
                .setSuccessRate(Ratios.ratio(c.delivered(), c.deliveries()))
                .setAvgDelayMinutes(Ratios.meanMinutes(c.delaySumMillis(), c.lateDelivered()))
                .setCostCents(c.costCents())
                .setCostPerDeliveryCents(Ratios.ratio(c.costCents(), c.deliveries()))
                .setCostPerSuccessfulDeliveryCents(Ratios.ratio(c.costCents(), c.delivered()))
                .build();
    }
}
