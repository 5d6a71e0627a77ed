package dev.lastmile.kpi.kpi;

/**
 * Exact sums over terminal delivery events and the complaints that spoiled them, from which the
 * perfect-order KPIs of a window follow. Integers only, so merging hourly buckets loses nothing.
 */
public record PerfectOrderCounts(long deliveries, long onTimeDelivered, long complained) {

    public static final PerfectOrderCounts EMPTY = new PerfectOrderCounts(0, 0, 0);

    public PerfectOrderCounts add(PerfectOrderObservation o) {
        return new PerfectOrderCounts(deliveries + o.deliveries(), onTimeDelivered + o.onTimeDelivered(),
                complained + o.complained());
    }

    public PerfectOrderCounts merge(PerfectOrderCounts o) {
        return new PerfectOrderCounts(deliveries + o.deliveries, onTimeDelivered + o.onTimeDelivered,
                complained + o.complained);
    }

    public long perfect() {
        return onTimeDelivered - complained;
    }
}
