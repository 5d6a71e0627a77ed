package dev.lastmile.kpi.consume;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.KpiAlert;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.config.TopicNames;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.family.KpiFamily;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A topic of the pipeline that {@code consume} can print, with what its values are.
 *
 * @param schema the contract's schema of the values (KPI, alert and input topics); empty for the DLQ and
 *               late topics, whose values are the original input records, decoded by their source topic
 */
public record ConsumedTopic(String name, Kind kind, Optional<Schema> schema) {

    /** How a topic's records are printed. */
    public enum Kind { RECORDS, DLQ, LATE }

    /** Short names a person types instead of a topic name: the KPI family names, alerts, dlq, late-events. */
    public static Map<String, ConsumedTopic> aliases(TopicNames names) {
        Map<String, ConsumedTopic> all = new LinkedHashMap<>();
        for (KpiFamily<?> f : KpiFamilies.ALL) {
            all.put(f.name(), records(names.kpi(f), f.schema()));
        }
        all.put("alerts", records(names.kpiAlerts(), KpiAlert.getClassSchema()));
        all.put("dlq", new ConsumedTopic(names.dlq(), Kind.DLQ, Optional.empty()));
        all.put("late-events", new ConsumedTopic(names.lateEvents(), Kind.LATE, Optional.empty()));
        all.put("delivery-events", records(names.deliveryEvents(), DeliveryEvent.getClassSchema()));
        all.put("ticket-events", records(names.ticketEvents(), TicketEvent.getClassSchema()));
        all.put("survey-responses", records(names.surveyResponses(), SurveyResponse.getClassSchema()));
        return all;
    }

    /**
     * The topic an alias or a configured topic name names.
     *
     * @throws IllegalArgumentException naming every alias, when it is neither
     */
    public static ConsumedTopic resolve(String topicOrAlias, TopicNames names) {
        Map<String, ConsumedTopic> aliases = aliases(names);
        ConsumedTopic byAlias = aliases.get(topicOrAlias);
        if (byAlias != null) {
            return byAlias;
        }
        return aliases.values().stream().filter(t -> t.name().equals(topicOrAlias)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + topicOrAlias + "' is not a topic of this "
                        + "pipeline. Give one of " + String.join(", ", aliases.keySet())
                        + ", or a topic name as configured (topic.* settings)."));
    }

    /** The schema of an input topic's values, for the originals in the DLQ and late topics. */
    static Optional<Schema> inputSchema(String topic, TopicNames names) {
        if (topic.equals(names.deliveryEvents())) {
            return Optional.of(DeliveryEvent.getClassSchema());
        } else if (topic.equals(names.ticketEvents())) {
            return Optional.of(TicketEvent.getClassSchema());
        } else if (topic.equals(names.surveyResponses())) {
            return Optional.of(SurveyResponse.getClassSchema());
        }
        return Optional.empty();
    }

    private static ConsumedTopic records(String name, Schema schema) {
        return new ConsumedTopic(name, Kind.RECORDS, Optional.of(schema));
    }
}
