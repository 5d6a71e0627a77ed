package dev.lastmile.kpi.config;

/** The names of every topic the pipeline reads or writes, as configured. */
public record TopicNames(String deliveryEvents, String ticketEvents, String surveyResponses, String dlq,
                         String lateEvents, String kpiDelivery, String kpiSupport, String kpiExperience,
                         String kpiRouteComplaints, String kpiAlerts, String kpiTargets) {

    public java.util.List<String> inputs() {
        return java.util.List.of(deliveryEvents, ticketEvents, surveyResponses);
    }

    public java.util.List<String> outputs() {
        return java.util.List.of(dlq, lateEvents, kpiDelivery, kpiSupport, kpiExperience, kpiRouteComplaints,
                kpiAlerts);
    }
}
