package dev.lastmile.kpi.it;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Delivery KPIs recomputed from the produced events by brute force, independently of the
 * pipeline's code: every terminal event is added to its hourly window and to each of the 24
 * rolling windows that contain it, keyed "region|KIND|windowStartMillis".
 */
final class ExpectedDeliveryKpis {

    static final long HOUR = 3_600_000L;

    /** Plain sums of one window. */
    static final class Sums {
        long deliveries;
        long delivered;
        long failed;
        long onTime;
        long late;
        long delayMillis;
        long cost;
    }

    final Map<String, Sums> windows = new TreeMap<>();
    private final Set<String> seenEventIds = new HashSet<>();

    void add(DeliveryEvent e) {
        if (!seenEventIds.add(e.getEventId())) {
            return; // the contract: an event seen again with the same event_id counts once
        }
        if (e.getStatus() != DeliveryStatus.DELIVERED && e.getStatus() != DeliveryStatus.FAILED) {
            return;
        }
        long t = e.getEventTime().toEpochMilli();
        long hourStart = t - Math.floorMod(t, HOUR);
        addTo(e.getRegion() + "|HOURLY|" + hourStart, e);
        for (int i = 0; i < 24; i++) {
            long start = hourStart - i * HOUR; // rolling windows [start, start + 24h) containing t
            addTo(e.getRegion() + "|ROLLING_24H|" + start, e);
        }
    }

    private void addTo(String key, DeliveryEvent e) {
        Sums s = windows.computeIfAbsent(key, k -> new Sums());
        s.deliveries++;
        s.cost += e.getCostCents();
        if (e.getStatus() == DeliveryStatus.FAILED) {
            s.failed++;
            return;
        }
        s.delivered++;
        long delay = e.getEventTime().toEpochMilli() - e.getPromisedBy().toEpochMilli();
        if (delay <= 0) {
            s.onTime++;
        } else {
            s.late++;
            s.delayMillis += delay;
        }
    }
}
