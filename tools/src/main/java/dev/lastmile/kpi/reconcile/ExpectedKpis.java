package dev.lastmile.kpi.reconcile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The final KPI records the contract says a history must give, recomputed from the events alone:
 * every family groups its events by record key (region, route, category; hour or rolling 24 h) and
 * applies the contract's formulas to each group. Nothing of the pipeline is used.
 */
final class ExpectedKpis {

    /** The settings that change the numbers (the pipeline's perfect.order.complaint.window etc.). */
    record Settings(Duration complaintWindow, Duration complaintLookback, int minRouteDeliveries) {
    }

    static final double MINUTE_MS = 60_000.0;
    static final List<String> COMPLAINT_CATEGORIES = List.of("LATE_DELIVERY", "MISSED_DELIVERY", "DAMAGED",
            "WRONG_ITEM", "DRIVER_CONDUCT");

    private ExpectedKpis() {
    }

    /** Record key -> field -> expected value (Long, Double, String, Map, List or null). */
    static Map<RecordKey, Map<String, Object>> of(HistoryEvents history, Settings settings) {
        Map<RecordKey, Map<String, Object>> all = new TreeMap<>();
        for (String topic : RecordKey.TOPICS) {
            all.putAll(family(topic, history, settings));
        }
        return all;
    }

    /** One family's records ({@code topic}: its default topic name). */
    static Map<RecordKey, Map<String, Object>> family(String topic, HistoryEvents history, Settings settings) {
        return switch (topic) {
            case RecordKey.DELIVERY -> DeliveryExpected.of(history);
            case RecordKey.SUPPORT -> SupportExpected.of(history);
            case RecordKey.EXPERIENCE -> ExperienceExpected.of(history);
            case RecordKey.ROUTES -> RouteExpected.of(history, settings);
            default -> PerfectOrderExpected.of(history, settings);
        };
    }

    /** A complaint: an OPENED ticket of a complaint category about a delivery. */
    static boolean isComplaint(HistoryEvents.Ticket t) {
        return t.type().equals("OPENED") && COMPLAINT_CATEGORIES.contains(t.category()) && t.deliveryId() != null;
    }

    /** The hourly window and the rolling 24 h windows of a region (x category) that an event time falls in. */
    static List<RecordKey> regionWindows(String topic, String region, String category, long time) {
        return RecordKey.windows(topic, null, region, null, category, time, true);
    }

    /** One record a group: its key, and the family's formulas applied to the group's events. */
    static <E> Map<RecordKey, Map<String, Object>> records(Map<RecordKey, List<E>> groups,
                                                           Function<List<E>, Map<String, Object>> formulas) {
        Map<RecordKey, Map<String, Object>> out = new TreeMap<>();
        groups.forEach((key, events) -> out.put(key, formulas.apply(events)));
        return out;
    }

    static <E> void addTo(Map<RecordKey, List<E>> groups, List<RecordKey> keys, E event) {
        for (RecordKey k : keys) {
            groups.computeIfAbsent(k, x -> new ArrayList<>()).add(event);
        }
    }

    /** numerator / denominator, null when the denominator is 0. */
    static Double ratio(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }

    /** The mean of some values, null when there are none. */
    static Double mean(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.size();
    }
}
