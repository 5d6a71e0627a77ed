package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;

/**
 * What the perfect-order windows count, at the time of a terminal delivery event: the delivery itself
 * (with whether a complaint was already known for it), or later, when a complaint arrives for a delivery
 * already counted as on time, the one-off correction that moves it to {@code complained}. Every field is a
 * 0/1 step of an exact count, so the order in which a delivery and its complaint arrive does not matter.
 *
 * @param timeMs the delivery event's time: the window a correction belongs to is its delivery's
 */
public record PerfectOrderObservation(String region, long timeMs, int deliveries, int onTimeDelivered,
                                      int complained) {

    private static final String FORMAT = "perfect-order observation";
    private static final int VERSION = 1;

    /** A terminal delivery event (validated: promised_by is set); {@code complaintKnown} spoils it at once. */
    public static PerfectOrderObservation delivery(DeliveryEvent e, boolean complaintKnown) {
        boolean onTime = isOnTimeDelivered(e);
        return new PerfectOrderObservation(e.getRegion(), e.getEventTime().toEpochMilli(), 1, onTime ? 1 : 0,
                onTime && complaintKnown ? 1 : 0);
    }

    /** A complaint for a delivery counted as on time, in that delivery's region and at its time. */
    public static PerfectOrderObservation complaintFor(String region, long deliveryTimeMs) {
        return new PerfectOrderObservation(region, deliveryTimeMs, 0, 0, 1);
    }

    public static boolean isOnTimeDelivered(DeliveryEvent e) {
        return e.getStatus() == DeliveryStatus.DELIVERED && !e.getEventTime().isAfter(e.getPromisedBy());
    }

    /** Whether this observation leaves a delivery a perfect order that a later complaint could still spoil. */
    public boolean perfectSoFar() {
        return onTimeDelivered == 1 && complained == 0;
    }

    /** Envelope payload on the perfect-order repartition topic. Version 1: region, time, the three steps. */
    public byte[] encode() {
        return PayloadWriter.version(VERSION).writeString(region).writeLong(timeMs).writeInt(deliveries)
                .writeInt(onTimeDelivered).writeInt(complained).toBytes();
    }

    public static PerfectOrderObservation decode(byte[] bytes) {
        PayloadReader in = PayloadReader.open(FORMAT, bytes);
        if (in.version() != VERSION) {
            throw in.unsupportedVersion();
        }
        PerfectOrderObservation o = new PerfectOrderObservation(in.readString(), in.readLong(), in.readInt(),
                in.readInt(), in.readInt());
        in.end();
        return o;
    }
}
