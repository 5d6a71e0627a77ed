package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketEvent;
import java.time.Instant;
import java.util.Optional;

/**
 * The contract's input rules. Each check returns why a record breaks them, or empty. The message
 * is what operators read in the DLQ headers, so it names the field and the value; the code is a
 * fixed, low-cardinality word for metrics.
 */
public final class Validation {

    /** Why a record was rejected. */
    public record Rejection(String code, String message) {
    }


    /** Event times further ahead of the pipeline's wall clock than this are rejected. */
    public static final long MAX_FUTURE_MS = TimeWindows.DAY_MS;

    private Validation() {
    }

    public static Optional<Rejection> delivery(DeliveryEvent e, long wallClockMs) {
        return firstOf(
                missing("event_id", e.getEventId()), missing("delivery_id", e.getDeliveryId()),
                missing("route_id", e.getRouteId()), missing("driver_id", e.getDriverId()),
                missing("region", e.getRegion()),
                e.getCostCents() < 0 ? reject("negative_cost", "negative cost_cents: " + e.getCostCents()) : Optional.empty(),
                DeliveryCounts.isTerminal(e.getStatus()) && e.getPromisedBy() == null
                        ? reject("missing_promised_by", "terminal event " + e.getStatus() + " without promised_by") : Optional.empty(),
                future(e.getEventTime(), wallClockMs));
    }

    public static Optional<Rejection> ticket(TicketEvent e, long wallClockMs) {
        return firstOf(
                missing("event_id", e.getEventId()), missing("ticket_id", e.getTicketId()),
                missing("region", e.getRegion()), future(e.getEventTime(), wallClockMs));
    }

    public static Optional<Rejection> survey(SurveyResponse e, long wallClockMs) {
        int min;
        int max;
        switch (e.getKind()) {
            case CSAT -> { min = 1; max = 5; }
            case NPS -> { min = 0; max = 10; }
            default -> { min = 1; max = 7; }
        }
        return firstOf(
                missing("event_id", e.getEventId()), missing("survey_id", e.getSurveyId()),
                missing("region", e.getRegion()),
                e.getScore() < min || e.getScore() > max
                        ? reject("score_out_of_range", e.getKind() + " score " + e.getScore() + " out of range " + min + "-" + max)
                        : Optional.empty(),
                future(e.getEventTime(), wallClockMs));
    }

    private static Optional<Rejection> missing(String field, String value) {
        return value == null || value.isBlank() ? reject("missing_field", "missing " + field) : Optional.empty();
    }

    private static Optional<Rejection> future(Instant eventTime, long wallClockMs) {
        if (eventTime.toEpochMilli() > wallClockMs + MAX_FUTURE_MS) {
            return reject("future_event_time", "event_time " + eventTime + " is more than 1 day ahead of the wall clock "
                    + Instant.ofEpochMilli(wallClockMs));
        }
        return Optional.empty();
    }

    private static Optional<Rejection> reject(String code, String message) {
        return Optional.of(new Rejection(code, message));
    }

    @SafeVarargs
    private static Optional<Rejection> firstOf(Optional<Rejection>... checks) {
        for (Optional<Rejection> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }
}
