package dev.lastmile.kpi.family;

import dev.lastmile.kpi.kpi.AlertRules;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * One KPI family as the rest of the pipeline sees it: the settings, the topic list, the topology's
 * output and alert stages, replay and the demo all iterate over {@link KpiFamilies#ALL} instead of
 * naming families one by one. Its window stage (a {@code WindowedKpi} in the topology) names the family
 * it computes.
 *
 * @param name         short name: prefix of the window stage's processors, stores and repartition topic
 * @param topicSetting the setting naming the output topic, e.g. {@code topic.kpi.delivery}
 * @param defaultTopic the output topic's default name
 * @param description  the setting's line in the README's configuration table
 * @param schema       Avro schema of the output records (keyed by a string naming the window, see KpiKeys)
 * @param alerts       what a KPI record says to the alert rules; empty for a family without alerts
 * @param gauges       the family's gauge sets on /metrics (per region; a further one may break a region down,
 *                     e.g. support by ticket category); empty for none
 * @param <V>          the output record
 */
public record KpiFamily<V extends SpecificRecord>(String name, String topicSetting, String defaultTopic,
                                                  String description, Schema schema,
                                                  Optional<Function<V, List<AlertRules.Observation>>> alerts,
                                                  List<KpiGaugeSet<V>> gauges) {

    public KpiFamily {
        gauges = List.copyOf(gauges);
    }

    public static <V extends SpecificRecord> KpiFamily<V> of(String name, String topicSetting, String defaultTopic,
                                                             String description, Schema schema) {
        return new KpiFamily<>(name, topicSetting, defaultTopic, description, schema, Optional.empty(), List.of());
    }

    /** The same family, with its final KPIs checked against alert targets. */
    public KpiFamily<V> withAlerts(Function<V, List<AlertRules.Observation>> observations) {
        return new KpiFamily<>(name, topicSetting, defaultTopic, description, schema, Optional.of(observations), gauges);
    }

    /** The same family, shown on one more set of gauges. */
    public KpiFamily<V> withGauges(KpiGaugeSet<V> set) {
        List<KpiGaugeSet<V>> sets = new java.util.ArrayList<>(gauges);
        sets.add(set);
        return new KpiFamily<>(name, topicSetting, defaultTopic, description, schema, alerts, sets);
    }
}
