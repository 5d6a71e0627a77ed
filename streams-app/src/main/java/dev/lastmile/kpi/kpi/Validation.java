package dev.lastmile.kpi.kpi;

import static dev.lastmile.kpi.kpi.FieldRules.optional;
import static dev.lastmile.kpi.kpi.FieldRules.reject;
import static dev.lastmile.kpi.kpi.FieldRules.required;
import static dev.lastmile.kpi.kpi.FieldRules.text;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The contract's input rules ("Invalid input" in docs/kpi-contract.md). Each check returns why a
 * record breaks them, or empty. The message is what operators read in the DLQ headers, so it names
 * the field and the value; the code is a fixed, low-cardinality word for metrics. Checks run in the
 * contract's order and the first broken rule wins.
 */
public final class Validation {

    /** Why a record was rejected. */
    public record Rejection(String code, String message) {
    }

    /** The bounds that are settings: {@code input.min.event.time} and {@code input.max.future}. */
    public record Limits(Instant minEventTime, Duration maxFuture) {
    }

    /** Ids and region: room for UUIDs and composite ids, while keys and stores stay small. */
    public static final int MAX_ID_LENGTH = 128;
    /** Survey reasons are short tags; they become map keys of every experience record. */
    public static final int MAX_REASON_LENGTH = 64;
    public static final int MAX_REASONS = 20;
    /** 10 million in currency units per attempt; 9 billion of them still sum within a long. */
    public static final long MAX_COST_CENTS = 1_000_000_000L;
    /** A promise further than this from its event is a data error, not a delivery; keeps delay sums sane. */
    public static final Duration MAX_PROMISE_DISTANCE = Duration.ofDays(30);

    private final Limits limits;

    public Validation(Limits limits) {
        this.limits = limits;
    }

    public Optional<Rejection> delivery(DeliveryEvent e, long wallClockMs) {
        return firstOf(
                () -> required("event_id", e.getEventId(), MAX_ID_LENGTH),
                () -> required("delivery_id", e.getDeliveryId(), MAX_ID_LENGTH),
                () -> required("route_id", e.getRouteId(), MAX_ID_LENGTH),
                () -> required("driver_id", e.getDriverId(), MAX_ID_LENGTH),
                () -> required("region", e.getRegion(), MAX_ID_LENGTH),
                () -> RouteObservation.UNKNOWN_ROUTE.equals(e.getRouteId())
                        ? reject("reserved_route_id", "route_id \"" + e.getRouteId()
                                + "\" is reserved for complaints whose delivery is unknown")
                        : Optional.empty(),
                () -> eventTime(e.getEventTime(), wallClockMs),
                () -> e.getCostCents() < 0 ? reject("negative_cost", "negative cost_cents: " + e.getCostCents())
                        : Optional.empty(),
                () -> e.getCostCents() > MAX_COST_CENTS ? reject("cost_too_large", "cost_cents " + e.getCostCents()
                        + " is more than " + MAX_COST_CENTS) : Optional.empty(),
                () -> DeliveryCounts.isTerminal(e.getStatus()) && e.getPromisedBy() == null
                        ? reject("missing_promised_by", "terminal event " + e.getStatus() + " without promised_by")
                        : Optional.empty(),
                () -> promisedBy(e.getPromisedBy(), e.getEventTime()));
    }

    public Optional<Rejection> ticket(TicketEvent e, long wallClockMs) {
        return firstOf(
                () -> required("event_id", e.getEventId(), MAX_ID_LENGTH),
                () -> required("ticket_id", e.getTicketId(), MAX_ID_LENGTH),
                () -> optional("delivery_id", e.getDeliveryId(), MAX_ID_LENGTH),
                () -> required("region", e.getRegion(), MAX_ID_LENGTH),
                () -> optional("agent_id", e.getAgentId(), MAX_ID_LENGTH),
                () -> eventTime(e.getEventTime(), wallClockMs));
    }

    public Optional<Rejection> survey(SurveyResponse e, long wallClockMs) {
        int min;
        int max;
        switch (e.getKind()) {
            case CSAT -> { min = 1; max = 5; }
            case NPS -> { min = 0; max = 10; }
            default -> { min = 1; max = 7; }
        }
        return firstOf(
                () -> required("event_id", e.getEventId(), MAX_ID_LENGTH),
                () -> required("survey_id", e.getSurveyId(), MAX_ID_LENGTH),
                () -> optional("delivery_id", e.getDeliveryId(), MAX_ID_LENGTH),
                () -> optional("ticket_id", e.getTicketId(), MAX_ID_LENGTH),
                () -> required("region", e.getRegion(), MAX_ID_LENGTH),
                () -> eventTime(e.getEventTime(), wallClockMs),
                () -> e.getScore() < min || e.getScore() > max
                        ? reject("score_out_of_range", e.getKind() + " score " + e.getScore() + " out of range " + min + "-" + max)
                        : Optional.empty(),
                () -> reasons(e.getReasons()));
    }

    /** Compared as instants, not millis: a value beyond the range of a long must not throw here. */
    private Optional<Rejection> eventTime(Instant eventTime, long wallClockMs) {
        if (eventTime.isBefore(limits.minEventTime())) {
            return reject("event_time_too_early", "event_time " + eventTime + " is before " + limits.minEventTime()
                    + " (input.min.event.time)");
        }
        Instant wallClock = Instant.ofEpochMilli(wallClockMs);
        if (eventTime.isAfter(wallClock.plus(limits.maxFuture()))) {
            return reject("future_event_time", "event_time " + eventTime + " is more than "
                    + limits.maxFuture().toString().substring(2).toLowerCase(Locale.ROOT) + " ahead of the wall clock " + wallClock + " (input.max.future)");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> promisedBy(Instant promisedBy, Instant eventTime) {
        if (promisedBy != null && Duration.between(eventTime, promisedBy).abs().compareTo(MAX_PROMISE_DISTANCE) > 0) {
            return reject("promised_by_out_of_range", "promised_by " + promisedBy + " is more than "
                    + MAX_PROMISE_DISTANCE.toDays() + " days from event_time " + eventTime);
        }
        return Optional.empty();
    }

    private static Optional<Rejection> reasons(List<? extends CharSequence> reasons) {
        if (reasons.size() > MAX_REASONS) {
            return reject("too_many_reasons", "reasons has " + reasons.size() + " entries, more than " + MAX_REASONS);
        }
        for (int i = 0; i < reasons.size(); i++) {
            String field = "reasons[" + i + "]";
            String reason = reasons.get(i) == null ? null : reasons.get(i).toString();
            Optional<Rejection> r = reason == null || reason.isBlank()
                    ? reject("blank_field", field + " is blank; leave it out")
                    : text(field, reason, MAX_REASON_LENGTH);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    /** Checks are lazy: a later one may assume the earlier ones passed (e.g. a non-null time). */
    @SafeVarargs
    private static Optional<Rejection> firstOf(Supplier<Optional<Rejection>>... checks) {
        for (Supplier<Optional<Rejection>> check : checks) {
            Optional<Rejection> r = check.get();
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }
}
