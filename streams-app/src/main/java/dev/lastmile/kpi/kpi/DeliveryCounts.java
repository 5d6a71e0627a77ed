package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;

/**
 * Exact sums over terminal delivery events, from which every delivery KPI of a window follows.
 * Integers only, so merging hourly buckets into a rolling window loses nothing.
 */
public record DeliveryCounts(long deliveries, long delivered, long failed, long onTime, long lateDelivered,
                             long delaySumMillis, long costCents) {

    public static final DeliveryCounts EMPTY = new DeliveryCounts(0, 0, 0, 0, 0, 0, 0);

    public static boolean isTerminal(DeliveryStatus status) {
        return status == DeliveryStatus.DELIVERED || status == DeliveryStatus.FAILED;
    }

    /** Adds one terminal event (validated: promised_by is set). */
    public DeliveryCounts add(DeliveryEvent event) {
        long time = event.getEventTime().toEpochMilli();
        if (event.getStatus() == DeliveryStatus.DELIVERED) {
            long delay = time - event.getPromisedBy().toEpochMilli();
            boolean late = delay > 0;
            return new DeliveryCounts(deliveries + 1, delivered + 1, failed, onTime + (late ? 0 : 1),
                    lateDelivered + (late ? 1 : 0), delaySumMillis + (late ? delay : 0),
                    costCents + event.getCostCents());
        }
        return new DeliveryCounts(deliveries + 1, delivered, failed + 1, onTime, lateDelivered, delaySumMillis,
                costCents + event.getCostCents());
    }

    public DeliveryCounts merge(DeliveryCounts o) {
        return new DeliveryCounts(deliveries + o.deliveries, delivered + o.delivered, failed + o.failed,
                onTime + o.onTime, lateDelivered + o.lateDelivered, delaySumMillis + o.delaySumMillis,
                costCents + o.costCents);
    }
}
