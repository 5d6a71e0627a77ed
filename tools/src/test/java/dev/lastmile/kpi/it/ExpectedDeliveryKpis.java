package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Delivery KPIs recomputed from the produced events by brute force, independently of the
 * pipeline's code: every terminal event is added to its hourly window and to each of the 24
 * rolling windows that contain it, keyed "region|KIND|windowStartMillis".
 */
final class ExpectedDeliveryKpis {

    static final long HOUR = 3_600_000L;
    /** Region of the events tests send only to move event time past every window. */
    static final String CLOCK_REGION = "zz-clock";

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

    /** Final records by "region|WINDOW|startMillis", leaving out the clock region. */
    static Map<String, DeliveryKpi> finals(List<ConsumerRecord<String, DeliveryKpi>> records) {
        Map<String, DeliveryKpi> finals = new TreeMap<>();
        for (ConsumerRecord<String, DeliveryKpi> r : records) {
            DeliveryKpi k = r.value();
            if (k.getFinal$() && !k.getRegion().equals(CLOCK_REGION)) {
                finals.put(k.getRegion() + "|" + k.getWindow() + "|" + k.getWindowStart().toEpochMilli(), k);
            }
        }
        return finals;
    }

    /** Every expected window has exactly one final record, equal to the recomputation. */
    void assertMatches(List<ConsumerRecord<String, DeliveryKpi>> records) {
        Map<String, DeliveryKpi> finals = finals(records);
        assertThat(finals.keySet()).containsExactlyInAnyOrderElementsOf(windows.keySet());
        long finalCount = records.stream().filter(r -> r.value().getFinal$()
                && !r.value().getRegion().equals(CLOCK_REGION)).count();
        assertThat(finalCount).as("exactly one final record per key and window").isEqualTo(finals.size());
        windows.forEach((key, sums) -> {
            DeliveryKpi k = finals.get(key);
            assertThat(k.getDeliveries()).as(key).isEqualTo(sums.deliveries);
            assertThat(k.getDelivered()).as(key).isEqualTo(sums.delivered);
            assertThat(k.getFailed()).as(key).isEqualTo(sums.failed);
            assertThat(k.getOnTime()).as(key).isEqualTo(sums.onTime);
            assertThat(k.getLateDelivered()).as(key).isEqualTo(sums.late);
            assertThat(k.getCostCents()).as(key).isEqualTo(sums.cost);
            assertThat(k.getOnTimeRate()).as(key).isEqualTo((double) sums.onTime / sums.deliveries);
            assertThat(k.getAvgDelayMinutes()).as(key)
                    .isEqualTo(sums.late == 0 ? null : sums.delayMillis / 60_000.0 / sums.late);
        });
    }

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
