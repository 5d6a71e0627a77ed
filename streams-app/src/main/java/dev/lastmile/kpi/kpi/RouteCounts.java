package dev.lastmile.kpi.kpi;

import java.util.Map;
import java.util.TreeMap;

/**
 * Exact sums of one route over a window: terminal deliveries and the complaints attributed to it.
 *
 * @param lateDelivered DELIVERED events after their promise (the denominator of the mean delay)
 */
public record RouteCounts(long deliveries, long onTime, long lateDelivered, long delaySumMillis, long complaints,
                          Map<String, Long> complaintsByCategory) {

    public static final RouteCounts EMPTY = new RouteCounts(0, 0, 0, 0, 0, Map.of());

    public RouteCounts {
        complaintsByCategory = Map.copyOf(complaintsByCategory);
    }

    /** deliveries - on_time: FAILED attempts count as late too. */
    public long late() {
        return deliveries - onTime;
    }

    public RouteCounts add(RouteObservation o) {
        if (o.complaint()) {
            Map<String, Long> byCategory = new TreeMap<>(complaintsByCategory);
            byCategory.merge(o.category().name(), 1L, Long::sum);
            return new RouteCounts(deliveries, onTime, lateDelivered, delaySumMillis, complaints + 1, byCategory);
        }
        boolean lateDelivery = o.delivered() && !o.onTime();
        return new RouteCounts(deliveries + 1, onTime + (o.onTime() ? 1 : 0), lateDelivered + (lateDelivery ? 1 : 0),
                delaySumMillis + o.delayMs(), complaints, complaintsByCategory);
    }

    public RouteCounts merge(RouteCounts o) {
        Map<String, Long> byCategory = new TreeMap<>(complaintsByCategory);
        o.complaintsByCategory.forEach((k, v) -> byCategory.merge(k, v, Long::sum));
        return new RouteCounts(deliveries + o.deliveries, onTime + o.onTime, lateDelivered + o.lateDelivered,
                delaySumMillis + o.delaySumMillis, complaints + o.complaints, byCategory);
    }

    public long[] longs() {
        return new long[] {deliveries, onTime, lateDelivered, delaySumMillis, complaints};
    }

    public static RouteCounts of(long[] v, Map<String, Long> byCategory) {
        return new RouteCounts(v[0], v[1], v[2], v[3], v[4], byCategory);
    }
}
