package dev.lastmile.kpi.codec;

import java.util.List;

/**
 * Enum symbol orders as they were when wave 1 (commit 6b748c5) wrote enums by ordinal. Only legacy
 * readers use them; they are pinned here, not taken from today's enums, so that reordering or
 * extending an enum cannot change what old bytes mean. Never edit.
 */
public final class LegacyOrdinals {

    /** dev.lastmile.kpi.avro.TicketCategory at 6b748c5. */
    public static final List<String> TICKET_CATEGORY = List.of("LATE_DELIVERY", "MISSED_DELIVERY", "DAMAGED",
            "WRONG_ITEM", "DRIVER_CONDUCT", "BILLING", "OTHER");

    /** dev.lastmile.kpi.kpi.SupportFact.Kind at 6b748c5. */
    public static final List<String> SUPPORT_FACT_KIND = List.of("OPENED", "REOPENED", "RESOLVED");

    private LegacyOrdinals() {
    }
}
