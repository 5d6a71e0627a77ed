package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.TicketCategory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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

    public byte[] encode() {
        byte[] r = region.getBytes(StandardCharsets.UTF_8);
        byte[] ro = route.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + r.length + 4 + ro.length + 8 + 2 + 8 + 1);
        out.put((byte) (complaint ? 1 : 0)).putInt(r.length).put(r).putInt(ro.length).put(ro).putLong(timeMs)
                .put((byte) (delivered ? 1 : 0)).put((byte) (onTime ? 1 : 0)).putLong(delayMs)
                .put((byte) (category == null ? -1 : category.ordinal()));
        return out.array();
    }

    public static RouteObservation decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        boolean complaint = in.get() == 1;
        byte[] r = new byte[in.getInt()];
        in.get(r);
        byte[] ro = new byte[in.getInt()];
        in.get(ro);
        long time = in.getLong();
        boolean delivered = in.get() == 1;
        boolean onTime = in.get() == 1;
        long delay = in.getLong();
        byte category = in.get();
        return new RouteObservation(complaint, new String(r, StandardCharsets.UTF_8),
                new String(ro, StandardCharsets.UTF_8), time, delivered, onTime, delay,
                category < 0 ? null : TicketCategory.values()[category]);
    }
}
