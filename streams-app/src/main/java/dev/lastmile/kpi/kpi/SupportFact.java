package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.TicketCategory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What one ticket event contributes to the support KPIs, worked out by the ticket's lifecycle:
 * an OPENED or REOPENED event counts by its own time; a ticket's first RESOLVED event carries its
 * resolution facts into the window of that time.
 *
 * @param resolutionMs    first RESOLVED - OPENED, or -1 when the OPENED event was never seen
 * @param firstResponseMs first AGENT_REPLY (or, without one, the RESOLVED time) - OPENED, or -1
 */
public record SupportFact(Kind kind, String region, TicketCategory category, long timeMs, long resolutionMs,
                          long firstResponseMs, boolean firstContactResolution, boolean escalated,
                          boolean repeatContact) {

    public enum Kind { OPENED, REOPENED, RESOLVED }

    public static SupportFact counted(Kind kind, String region, TicketCategory category, long timeMs) {
        return new SupportFact(kind, region, category, timeMs, -1, -1, false, false, false);
    }

    public byte[] encode() {
        byte[] r = region.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 1 + 4 + r.length + 8 * 3 + 3);
        out.put((byte) kind.ordinal()).put((byte) category.ordinal()).putInt(r.length).put(r).putLong(timeMs)
                .putLong(resolutionMs).putLong(firstResponseMs).put(flag(firstContactResolution)).put(flag(escalated))
                .put(flag(repeatContact));
        return out.array();
    }

    public static SupportFact decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Kind kind = Kind.values()[in.get()];
        TicketCategory category = TicketCategory.values()[in.get()];
        byte[] r = new byte[in.getInt()];
        in.get(r);
        return new SupportFact(kind, new String(r, StandardCharsets.UTF_8), category, in.getLong(), in.getLong(),
                in.getLong(), in.get() == 1, in.get() == 1, in.get() == 1);
    }

    private static byte flag(boolean b) {
        return (byte) (b ? 1 : 0);
    }
}
