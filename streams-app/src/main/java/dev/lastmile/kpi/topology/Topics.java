package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.ExperienceKpi;
import dev.lastmile.kpi.avro.KpiAlert;
import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.SupportKpi;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.config.TopicNames;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SpecificAvroSerde;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of the contract with its serdes. Inputs are keyed by their id (string), outputs by
 * a string naming the window ({@link KpiKeys}); values are Avro in the Confluent wire format.
 */
public record Topics(Topic<String, DeliveryEvent> deliveryEvents, Topic<String, TicketEvent> ticketEvents,
                     Topic<String, SurveyResponse> surveyResponses, Topic<byte[], byte[]> dlq,
                     Topic<byte[], byte[]> lateEvents, Topic<String, DeliveryKpi> kpiDelivery,
                     Topic<String, SupportKpi> kpiSupport, Topic<String, ExperienceKpi> kpiExperience,
                     Topic<String, RouteComplaintKpi> kpiRouteComplaints, Topic<String, KpiAlert> kpiAlerts) {

    public static Topics of(TopicNames names, SchemaRegistryClient registry) {
        return new Topics(
                avro(names.deliveryEvents(), DeliveryEvent.getClassSchema(), registry),
                avro(names.ticketEvents(), TicketEvent.getClassSchema(), registry),
                avro(names.surveyResponses(), SurveyResponse.getClassSchema(), registry),
                new Topic<>(names.dlq(), Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(names.lateEvents(), Serdes.ByteArray(), Serdes.ByteArray()),
                avro(names.kpiDelivery(), DeliveryKpi.getClassSchema(), registry),
                avro(names.kpiSupport(), SupportKpi.getClassSchema(), registry),
                avro(names.kpiExperience(), ExperienceKpi.getClassSchema(), registry),
                avro(names.kpiRouteComplaints(), RouteComplaintKpi.getClassSchema(), registry),
                avro(names.kpiAlerts(), KpiAlert.getClassSchema(), registry));
    }

    private static <V extends SpecificRecord> Topic<String, V> avro(String name, Schema schema,
                                                                    SchemaRegistryClient registry) {
        return new Topic<>(name, Serdes.String(), SpecificAvroSerde.of(schema, registry));
    }
}
