package dev.lastmile.kpi.reconcile;

import static dev.lastmile.kpi.reconcile.ExpectedKpis.MINUTE_MS;
import static dev.lastmile.kpi.reconcile.ExpectedKpis.mean;
import static dev.lastmile.kpi.reconcile.ExpectedKpis.ratio;

import dev.lastmile.kpi.reconcile.HistoryEvents.Delivery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Delivery KPIs per region, hourly and rolling 24 h, over terminal delivery events. */
final class DeliveryExpected {

    private DeliveryExpected() {
    }

    static Map<RecordKey, Map<String, Object>> of(HistoryEvents history) {
        Map<RecordKey, List<Delivery>> groups = new TreeMap<>();
        for (Delivery d : history.deliveries) {
            if (d.terminal()) {
                ExpectedKpis.addTo(groups, ExpectedKpis.regionWindows(RecordKey.DELIVERY, d.region(), null, d.time()),
                        d);
            }
        }
        return ExpectedKpis.records(groups, DeliveryExpected::fields);
    }

    private static Map<String, Object> fields(List<Delivery> events) {
        long delivered = 0;
        long failed = 0;
        long onTime = 0;
        long cost = 0;
        List<Double> delays = new ArrayList<>();
        for (Delivery d : events) {
            cost += d.costCents();
            if (!d.delivered()) {
                failed++;
            } else if (d.time() <= d.promisedBy()) {
                delivered++;
                onTime++;
            } else {
                delivered++;
                delays.add((d.time() - d.promisedBy()) / MINUTE_MS);
            }
        }
        long deliveries = delivered + failed;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("deliveries", deliveries);
        f.put("delivered", delivered);
        f.put("failed", failed);
        f.put("on_time", onTime);
        f.put("late_delivered", (long) delays.size());
        f.put("on_time_rate", ratio(onTime, deliveries));
        f.put("success_rate", ratio(delivered, deliveries));
        f.put("avg_delay_minutes", mean(delays));
        f.put("cost_cents", cost);
        f.put("cost_per_delivery_cents", deliveries == 0 ? null : (double) cost / deliveries);
        f.put("cost_per_successful_delivery_cents", delivered == 0 ? null : (double) cost / delivered);
        return f;
    }
}
