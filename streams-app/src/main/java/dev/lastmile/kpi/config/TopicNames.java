package dev.lastmile.kpi.config;

import dev.lastmile.kpi.family.KpiFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The names of every topic the pipeline reads or writes, as configured.
 *
 * @param kpis each KPI family's output topic by family name, in the order of {@code KpiFamilies.ALL}
 */
public record TopicNames(String deliveryEvents, String ticketEvents, String surveyResponses, String dlq,
                         String lateEvents, Map<String, String> kpis, String kpiAlerts, String kpiTargets) {

    /** The output topic of one KPI family. */
    public String kpi(KpiFamily<?> family) {
        String name = kpis.get(family.name());
        if (name == null) {
            throw new IllegalArgumentException("No output topic for KPI family " + family.name());
        }
        return name;
    }

    public List<String> inputs() {
        return List.of(deliveryEvents, ticketEvents, surveyResponses);
    }

    /** The DLQ, the late-events topic, every KPI family's topic and the alerts topic, in that order. */
    public List<String> outputs() {
        List<String> outputs = new ArrayList<>(List.of(dlq, lateEvents));
        outputs.addAll(kpis.values());
        outputs.add(kpiAlerts);
        return List.copyOf(outputs);
    }
}
