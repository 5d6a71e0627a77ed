package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.KpiAlert;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.config.TopicNames;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.family.KpiFamily;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SpecificAvroSerde;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of the contract with its serdes. Inputs are keyed by their id (string), outputs by
 * a string naming the window ({@link KpiKeys}); values are Avro in the Confluent wire format.
 *
 * @param kpis each KPI family's output topic by family name, in the order of {@link KpiFamilies#ALL}
 */
public record Topics(Topic<String, DeliveryEvent> deliveryEvents, Topic<String, TicketEvent> ticketEvents,
                     Topic<String, SurveyResponse> surveyResponses, Topic<byte[], byte[]> dlq,
                     Topic<byte[], byte[]> lateEvents, Map<String, Topic<String, ? extends SpecificRecord>> kpis,
                     Topic<String, KpiAlert> kpiAlerts) {

    public static Topics of(TopicNames names, SchemaRegistryClient registry) {
        Map<String, Topic<String, ? extends SpecificRecord>> kpis = new LinkedHashMap<>();
        for (KpiFamily<?> f : KpiFamilies.ALL) {
            kpis.put(f.name(), avro(names.kpi(f), f.schema(), registry));
        }
        return new Topics(
                avro(names.deliveryEvents(), DeliveryEvent.getClassSchema(), registry),
                avro(names.ticketEvents(), TicketEvent.getClassSchema(), registry),
                avro(names.surveyResponses(), SurveyResponse.getClassSchema(), registry),
                new Topic<>(names.dlq(), Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(names.lateEvents(), Serdes.ByteArray(), Serdes.ByteArray()),
                Collections.unmodifiableMap(kpis),
                avro(names.kpiAlerts(), KpiAlert.getClassSchema(), registry));
    }

    /** The output topic of one KPI family, typed by its record. */
    @SuppressWarnings("unchecked") // built from the family's own schema in of()
    public <V extends SpecificRecord> Topic<String, V> kpi(KpiFamily<V> family) {
        Topic<String, ? extends SpecificRecord> topic = kpis.get(family.name());
        if (topic == null) {
            throw new IllegalArgumentException("No output topic for KPI family " + family.name());
        }
        return (Topic<String, V>) topic;
    }

    /** Every KPI family's output topic, in declaration order. */
    public List<Topic<String, ? extends SpecificRecord>> kpiTopics() {
        return List.copyOf(kpis.values());
    }

    private static <V extends SpecificRecord> Topic<String, V> avro(String name, Schema schema,
                                                                    SchemaRegistryClient registry) {
        return new Topic<>(name, Serdes.String(), SpecificAvroSerde.of(schema, registry));
    }
}
