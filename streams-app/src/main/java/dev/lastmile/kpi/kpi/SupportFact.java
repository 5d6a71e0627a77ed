package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.codec.LegacyOrdinals;
import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;

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

    private static final String FORMAT = "support fact";
    private static final int VERSION = 3;

    public static SupportFact counted(Kind kind, String region, TicketCategory category, long timeMs) {
        return new SupportFact(kind, region, category, timeMs, -1, -1, false, false, false);
    }

    /**
     * Envelope payload on the support repartition topic. Version 3: kind, region, category (enums by
     * name), time, resolution, first response, then the three flags. Wave 1 wrote no version byte:
     * its first byte is the kind's ordinal, 0-2, so versions 0-2 are never used and such bytes are
     * read as that legacy layout (enums by the ordinals pinned in {@link LegacyOrdinals}).
     */
    public byte[] encode() {
        return PayloadWriter.version(VERSION).writeEnum(kind).writeString(region).writeEnum(category).writeLong(timeMs)
                .writeLong(resolutionMs).writeLong(firstResponseMs).writeBoolean(firstContactResolution)
                .writeBoolean(escalated).writeBoolean(repeatContact).toBytes();
    }

    public static SupportFact decode(byte[] bytes) {
        if (bytes.length > 0 && bytes[0] >= 0 && bytes[0] < VERSION) {
            return decodeWave1(PayloadReader.untagged(FORMAT, 0, bytes));
        }
        PayloadReader in = PayloadReader.open(FORMAT, bytes);
        if (in.version() != VERSION) {
            throw in.unsupportedVersion();
        }
        return rest(in, in.readEnum(Kind.class), in.readString(), in.readEnum(TicketCategory.class));
    }

    /** Wave 1: kind ordinal, category ordinal, region, then the same fields as now. */
    private static SupportFact decodeWave1(PayloadReader in) {
        Kind kind = in.readLegacyOrdinal(Kind.class, LegacyOrdinals.SUPPORT_FACT_KIND);
        TicketCategory category = in.readLegacyOrdinal(TicketCategory.class, LegacyOrdinals.TICKET_CATEGORY);
        return rest(in, kind, in.readString(), category);
    }

    private static SupportFact rest(PayloadReader in, Kind kind, String region, TicketCategory category) {
        SupportFact fact = new SupportFact(kind, region, category, in.readLong(), in.readLong(), in.readLong(),
                in.readBoolean(), in.readBoolean(), in.readBoolean());
        in.end();
        return fact;
    }
}
