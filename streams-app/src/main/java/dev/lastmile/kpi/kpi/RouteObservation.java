package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.codec.LegacyOrdinals;
import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import java.util.EnumSet;
import java.util.Set;

/**
 * One thing the route-delay / complaint correlation counts: a terminal delivery on a route, or a
 * complaint attributed to a route ({@link #UNKNOWN_ROUTE} when its delivery is unknown).
 *
 * @param delayMs for a late DELIVERED event, event_time - promised_by; else 0
 */
public record RouteObservation(boolean complaint, String region, String route, long timeMs, boolean delivered,
                               boolean onTime, long delayMs, TicketCategory category) {

    public static final String UNKNOWN_ROUTE = "UNKNOWN";

    private static final String FORMAT = "route observation";
    private static final int VERSION = 2;

    private static final Set<TicketCategory> COMPLAINT_CATEGORIES = EnumSet.of(TicketCategory.LATE_DELIVERY,
            TicketCategory.MISSED_DELIVERY, TicketCategory.DAMAGED, TicketCategory.WRONG_ITEM,
            TicketCategory.DRIVER_CONDUCT);

    public static boolean isComplaint(TicketCategory category) {
        return COMPLAINT_CATEGORIES.contains(category);
    }

    /** A terminal delivery event (validated: promised_by is set). */
    public static RouteObservation delivery(DeliveryEvent e) {
        long time = e.getEventTime().toEpochMilli();
        boolean delivered = e.getStatus() == DeliveryStatus.DELIVERED;
        long delay = time - e.getPromisedBy().toEpochMilli();
        boolean onTime = delivered && delay <= 0;
        return new RouteObservation(false, e.getRegion(), e.getRouteId(), time, delivered, onTime,
                delivered && delay > 0 ? delay : 0, null);
    }

    /** A complaint not yet attributed: its ticket's region, route unknown; time set on attribution. */
    public static RouteObservation complaint(String ticketRegion, TicketCategory category) {
        return new RouteObservation(true, ticketRegion, UNKNOWN_ROUTE, 0, false, false, 0, category);
    }

    public RouteObservation attributedTo(String deliveryRegion, String routeId, long complaintTime) {
        return new RouteObservation(true, deliveryRegion, routeId, complaintTime, false, false, 0, category);
    }

    /**
     * Envelope payload on the complaint and route repartition topics, and inside pending complaints.
     * Version 2: complaint flag, region, route, time, delivered, on time, delay, category (by name,
     * null on a delivery). Wave 1 wrote no version byte: its first byte is the complaint flag, 0 or 1,
     * so versions 0-1 are never used and such bytes are read as that legacy layout, whose category
     * was an ordinal (-1 for none), looked up in {@link LegacyOrdinals}.
     */
    public byte[] encode() {
        return PayloadWriter.version(VERSION).writeBoolean(complaint).writeString(region).writeString(route)
                .writeLong(timeMs).writeBoolean(delivered).writeBoolean(onTime).writeLong(delayMs).writeEnum(category)
                .toBytes();
    }

    public static RouteObservation decode(byte[] bytes) {
        boolean wave1 = bytes.length > 0 && (bytes[0] == 0 || bytes[0] == 1);
        PayloadReader in = wave1 ? PayloadReader.untagged(FORMAT, 0, bytes) : PayloadReader.open(FORMAT, bytes);
        if (!wave1 && in.version() != VERSION) {
            throw in.unsupportedVersion();
        }
        boolean complaint = in.readBoolean();
        String region = in.readString();
        String route = in.readString();
        long time = in.readLong();
        boolean delivered = in.readBoolean();
        boolean onTime = in.readBoolean();
        long delay = in.readLong();
        TicketCategory category = wave1 ? wave1Category(in) : in.readEnum(TicketCategory.class);
        in.end();
        return new RouteObservation(complaint, region, route, time, delivered, onTime, delay, category);
    }

    private static TicketCategory wave1Category(PayloadReader in) {
        byte b = in.readByte();
        return b == -1 ? null : in.legacySymbol(TicketCategory.class, LegacyOrdinals.TICKET_CATEGORY, b);
    }
}
