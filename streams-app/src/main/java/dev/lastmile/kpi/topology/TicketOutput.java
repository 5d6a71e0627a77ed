package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.watermark.Envelope;

/** What the ticket lifecycle emits: support facts, complaints to attribute, and progress markers. */
sealed interface TicketOutput {

    /** What goes downstream: the fact's or the complaint's payload, or the marker. */
    Envelope envelope();

    /** A support fact, keyed by the ticket's region; the payload is a {@code SupportFact}. */
    record Fact(String region, Envelope.Data data) implements TicketOutput {
        @Override
        public Envelope envelope() {
            return data;
        }
    }

    /** A complaint about {@code deliveryId}; the payload is a {@code RouteObservation}. */
    record Complaint(String deliveryId, Envelope.Data data) implements TicketOutput {
        @Override
        public Envelope envelope() {
            return data;
        }
    }

    record Progress(Envelope.Marker marker) implements TicketOutput {
        @Override
        public Envelope envelope() {
            return marker;
        }
    }
}
