package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.watermark.Envelope;

/** What the ticket lifecycle emits: support facts, complaints to attribute, and progress markers. */
sealed interface TicketOutput {

    /** A support fact, keyed by the ticket's region; the payload is a {@code SupportFact}. */
    record Fact(String region, Envelope.Data data) implements TicketOutput {
    }

    /** A complaint about {@code deliveryId}; the payload is a {@code RouteObservation}. */
    record Complaint(String deliveryId, Envelope.Data data) implements TicketOutput {
    }

    record Progress(Envelope.Marker marker) implements TicketOutput {
    }
}
