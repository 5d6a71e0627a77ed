package dev.lastmile.kpi.reconcile;

import dev.lastmile.kpi.reconcile.HistoryEvents.Delivery;
import dev.lastmile.kpi.reconcile.HistoryEvents.Ticket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Perfect orders per region, hourly and rolling 24 h, over terminal delivery events: an on-time
 * DELIVERED event is complained about when a complaint about its delivery_id is at most the complaint
 * window before or after it.
 */
final class PerfectOrderExpected {

    private PerfectOrderExpected() {
    }

    static Map<RecordKey, Map<String, Object>> of(HistoryEvents history, ExpectedKpis.Settings settings) {
        Map<String, List<Long>> complaintTimes = new HashMap<>();
        for (Ticket t : history.tickets) {
            if (ExpectedKpis.isComplaint(t)) {
                complaintTimes.computeIfAbsent(t.deliveryId(), x -> new ArrayList<>()).add(t.time());
            }
        }
        long window = settings.complaintWindow().toMillis();
        Map<RecordKey, long[]> counts = new TreeMap<>(); // deliveries, on time delivered, complained
        for (Delivery d : history.deliveries) {
            if (!d.terminal()) {
                continue;
            }
            boolean onTime = d.delivered() && d.time() <= d.promisedBy();
            boolean complained = false;
            for (long t : complaintTimes.getOrDefault(d.deliveryId(), List.of())) {
                complained |= Math.abs(t - d.time()) <= window;
            }
            for (RecordKey k : RecordKey.windows(RecordKey.PERFECT, null, d.region(), null, null, d.time(), true)) {
                long[] c = counts.computeIfAbsent(k, x -> new long[3]);
                c[0]++;
                c[1] += onTime ? 1 : 0;
                c[2] += onTime && complained ? 1 : 0;
            }
        }
        Map<RecordKey, Map<String, Object>> out = new TreeMap<>();
        counts.forEach((key, c) -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("deliveries", c[0]);
            f.put("on_time_delivered", c[1]);
            f.put("complained", c[2]);
            f.put("perfect", c[1] - c[2]);
            f.put("perfect_order_rate", ExpectedKpis.ratio(c[1] - c[2], c[0]));
            out.put(key, f);
        });
        return out;
    }
}
