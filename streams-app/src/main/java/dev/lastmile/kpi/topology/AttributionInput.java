package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.watermark.Envelope;

/** The two streams the complaint attribution joins, with their progress markers, as one type. */
sealed interface AttributionInput {

    record Delivery(DeliveryEvent event, Envelope.Data data) implements AttributionInput {
    }

    record DeliveryProgress(Envelope.Marker marker) implements AttributionInput {
    }

    record Complaint(String deliveryId, Envelope.Data data) implements AttributionInput {
    }

    record TicketProgress(Envelope.Marker marker) implements AttributionInput {
    }

    /** A gated delivery as the join's input: the event, or its partition's progress. */
    static AttributionInput delivery(Gated<DeliveryEvent> gated) {
        if (gated instanceof Gated.Accepted<DeliveryEvent> a) {
            return new Delivery(a.event(), a.envelope());
        }
        if (gated instanceof Gated.Progress<DeliveryEvent> p) {
            return new DeliveryProgress(p.marker());
        }
        throw new IllegalStateException("A rejected delivery past the gate's DLQ branch");
    }

    /** A complaint repartitioned by its delivery id, or the ticket side's progress. */
    static AttributionInput complaint(String deliveryId, Envelope envelope) {
        if (envelope instanceof Envelope.Data d) {
            return new Complaint(deliveryId, d);
        }
        if (envelope instanceof Envelope.Marker m) {
            return new TicketProgress(m);
        }
        throw new IllegalStateException("Unknown envelope " + envelope.getClass().getSimpleName());
    }
}
