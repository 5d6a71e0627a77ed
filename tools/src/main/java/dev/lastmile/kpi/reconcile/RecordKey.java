package dev.lastmile.kpi.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which final KPI record: its topic, level (route-complaints only), region, route, category (support's
 * region x category records), window kind and window. Null where the record has no such part.
 */
record RecordKey(String topic, String level, String region, String route, String category, String window,
                 long start, long end) implements Comparable<RecordKey> {

    static final String DELIVERY = "lastmile.kpi.delivery";
    static final String SUPPORT = "lastmile.kpi.support";
    static final String EXPERIENCE = "lastmile.kpi.experience";
    static final String ROUTES = "lastmile.kpi.route-complaints";
    static final String PERFECT = "lastmile.kpi.perfect-order";
    static final List<String> TOPICS = List.of(DELIVERY, SUPPORT, EXPERIENCE, ROUTES, PERFECT);
    /** Each KPI family's topic by family name (as in the late file and the topic settings). */
    static final Map<String, String> TOPIC_OF_FAMILY = Map.of("delivery-kpi", DELIVERY, "support-kpi", SUPPORT,
            "experience-kpi", EXPERIENCE, "route-complaints", ROUTES, "perfect-order", PERFECT);

    static final long HOUR = 3_600_000L;
    static final String HOURLY = "HOURLY";
    static final String ROLLING = "ROLLING_24H";

    private static final Comparator<String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<RecordKey> ORDER = Comparator.comparing(RecordKey::topic, TEXT)
            .thenComparing(RecordKey::window, TEXT).thenComparingLong(RecordKey::start)
            .thenComparing(RecordKey::region, TEXT).thenComparing(RecordKey::level, TEXT)
            .thenComparing(RecordKey::route, TEXT).thenComparing(RecordKey::category, TEXT);

    /** The hourly window of an event time and the 24 rolling windows (24 h, one a hour) that contain it. */
    static List<RecordKey> windows(String topic, String level, String region, String route, String category,
                                   long time, boolean hourly) {
        long hour = Math.floorDiv(time, HOUR) * HOUR;
        List<RecordKey> keys = new ArrayList<>();
        if (hourly) {
            keys.add(new RecordKey(topic, level, region, route, category, HOURLY, hour, hour + HOUR));
        }
        for (int k = 0; k < 24; k++) {
            long start = hour - k * HOUR;
            keys.add(new RecordKey(topic, level, region, route, category, ROLLING, start, start + 24 * HOUR));
        }
        return keys;
    }

    /** The same window of another record of the same topic (e.g. a route's region record). */
    RecordKey with(String newLevel, String newRoute, String newCategory) {
        return new RecordKey(topic, newLevel, region, newRoute, newCategory, window, start, end);
    }

    boolean overlaps(long from, long to) {
        return start <= to && end > from;
    }

    @Override
    public int compareTo(RecordKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(topic.substring(topic.lastIndexOf('.') + 1)).append(' ').append(region);
        for (String part : new String[] {level, route, category}) {
            if (part != null) {
                s.append(' ').append(part);
            }
        }
        return s.append(' ').append(window).append(' ').append(Instant.ofEpochMilli(start)).append("..")
                .append(Instant.ofEpochMilli(end)).toString();
    }

    boolean sameRegion(String otherRegion) {
        return otherRegion == null || Objects.equals(region, otherRegion);
    }
}
