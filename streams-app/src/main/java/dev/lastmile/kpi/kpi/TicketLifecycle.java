package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.codec.LegacyOrdinals;
import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import java.util.Optional;

/**
 * What the support KPIs need to remember of one ticket, and how each event moves it on. Times
 * are epoch millis; {@link #UNKNOWN} where the event was not seen (yet).
 *
 * @param customerReplied a CUSTOMER_REPLY came before the first RESOLVED
 * @param escalated       an ESCALATED came before the first RESOLVED
 */
public record TicketLifecycle(String region, TicketCategory category, long openedAt, long firstAgentReplyAt,
                              boolean customerReplied, boolean escalated, long firstResolvedAt, long lastEventAt) {

    public static final long UNKNOWN = Long.MIN_VALUE;

    private static final String FORMAT = "ticket lifecycle";
    /** Version 1 (wave 1) wrote the category by ordinal; still read. */
    private static final int WAVE1 = 1;
    private static final int VERSION = 2;

    /** The new state and what the event contributes to the support KPIs, if anything. */
    public record Step(TicketLifecycle state, Optional<SupportFact> fact, boolean firstOpened) {
    }

    public static TicketLifecycle start(TicketEvent e) {
        return new TicketLifecycle(e.getRegion(), e.getCategory(), UNKNOWN, UNKNOWN, false, false, UNKNOWN, UNKNOWN);
    }

    public boolean resolved() {
        return firstResolvedAt != UNKNOWN;
    }

    public Step apply(TicketEvent e) {
        long t = e.getEventTime().toEpochMilli();
        long last = Math.max(lastEventAt, t);
        return switch (e.getType()) {
            case OPENED -> {
                boolean first = openedAt == UNKNOWN;
                yield new Step(new TicketLifecycle(region, category, first ? t : openedAt, firstAgentReplyAt,
                        customerReplied, escalated, firstResolvedAt, last),
                        Optional.of(SupportFact.counted(SupportFact.Kind.OPENED, region, category, t)), first);
            }
            case REOPENED -> new Step(withLast(last),
                    Optional.of(SupportFact.counted(SupportFact.Kind.REOPENED, region, category, t)), false);
            case AGENT_REPLY -> new Step(new TicketLifecycle(region, category, openedAt,
                    firstAgentReplyAt == UNKNOWN && !resolved() ? t : firstAgentReplyAt, customerReplied, escalated,
                    firstResolvedAt, last), Optional.empty(), false);
            case CUSTOMER_REPLY -> new Step(new TicketLifecycle(region, category, openedAt, firstAgentReplyAt,
                    customerReplied || !resolved(), escalated, firstResolvedAt, last), Optional.empty(), false);
            case ESCALATED -> new Step(new TicketLifecycle(region, category, openedAt, firstAgentReplyAt,
                    customerReplied, escalated || !resolved(), firstResolvedAt, last), Optional.empty(), false);
            case RESOLVED -> resolved() ? new Step(withLast(last), Optional.empty(), false) : resolve(t, last);
        };
    }

    private Step resolve(long t, long last) {
        long resolution = openedAt == UNKNOWN ? -1 : t - openedAt;
        long response = openedAt == UNKNOWN ? -1 : (firstAgentReplyAt == UNKNOWN ? t : firstAgentReplyAt) - openedAt;
        SupportFact fact = new SupportFact(SupportFact.Kind.RESOLVED, region, category, t, resolution, response,
                !customerReplied && !escalated, escalated, customerReplied);
        return new Step(new TicketLifecycle(region, category, openedAt, firstAgentReplyAt, customerReplied, escalated,
                t, last), Optional.of(fact), false);
    }

    private TicketLifecycle withLast(long last) {
        return new TicketLifecycle(region, category, openedAt, firstAgentReplyAt, customerReplied, escalated,
                firstResolvedAt, last);
    }

    /**
     * Value of the ticket-lifecycle store. Version 2: region, category (by name), opened, first
     * agent reply, first resolved, last event, customer replied, escalated. Version 1 differs only
     * in the category, one byte holding its ordinal.
     */
    public byte[] encode() {
        return PayloadWriter.version(VERSION).writeString(region).writeEnum(category).writeLong(openedAt)
                .writeLong(firstAgentReplyAt).writeLong(firstResolvedAt).writeLong(lastEventAt)
                .writeBoolean(customerReplied).writeBoolean(escalated).toBytes();
    }

    public static TicketLifecycle decode(byte[] bytes) {
        PayloadReader in = PayloadReader.open(FORMAT, bytes);
        if (in.version() != VERSION && in.version() != WAVE1) {
            throw in.unsupportedVersion();
        }
        String region = in.readString();
        TicketCategory category = in.version() == WAVE1
                ? in.readLegacyOrdinal(TicketCategory.class, LegacyOrdinals.TICKET_CATEGORY)
                : in.readEnum(TicketCategory.class);
        long opened = in.readLong();
        long agent = in.readLong();
        long resolved = in.readLong();
        long last = in.readLong();
        TicketLifecycle t = new TicketLifecycle(region, category, opened, agent, in.readBoolean(), in.readBoolean(),
                resolved, last);
        in.end();
        return t;
    }
}
