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
}
