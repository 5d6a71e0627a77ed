package dev.lastmile.kpi.reconcile;

import static dev.lastmile.kpi.reconcile.ExpectedKpis.MINUTE_MS;
import static dev.lastmile.kpi.reconcile.ExpectedKpis.mean;
import static dev.lastmile.kpi.reconcile.ExpectedKpis.ratio;

import dev.lastmile.kpi.reconcile.HistoryEvents.Delivery;
import dev.lastmile.kpi.reconcile.HistoryEvents.Ticket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Route delay / complaint correlation, rolling 24 h: one ROUTE record per route (terminal deliveries and
 * the complaints attributed to it) and one REGION record over the region's routes (UNKNOWN left out).
 */
final class RouteExpected {

    static final String UNKNOWN = "UNKNOWN";

    /** One route's sums over a window. */
    private static final class Sums {
        long deliveries;
        long onTime;
        final List<Double> delays = new ArrayList<>();
        long complaints;
        final Map<String, Long> byCategory = new TreeMap<>();

        long late() {
            return deliveries - onTime;
        }

        void add(Sums o) {
            deliveries += o.deliveries;
            onTime += o.onTime;
            delays.addAll(o.delays);
            complaints += o.complaints;
            o.byCategory.forEach((k, v) -> byCategory.merge(k, v, Long::sum));
        }
    }

    private RouteExpected() {
    }

    static Map<RecordKey, Map<String, Object>> of(HistoryEvents history, ExpectedKpis.Settings settings) {
        Map<RecordKey, Sums> routes = new TreeMap<>();
        Map<String, List<Delivery>> byDelivery = new HashMap<>();
        for (Delivery d : history.deliveries) {
            byDelivery.computeIfAbsent(d.deliveryId(), x -> new ArrayList<>()).add(d);
            if (d.terminal()) {
                for (RecordKey k : RecordKey.windows(RecordKey.ROUTES, "ROUTE", d.region(), d.routeId(), null,
                        d.time(), false)) {
                    Sums s = routes.computeIfAbsent(k, x -> new Sums());
                    s.deliveries++;
                    if (d.delivered() && d.time() <= d.promisedBy()) {
                        s.onTime++;
                    } else if (d.delivered()) {
                        s.delays.add((d.time() - d.promisedBy()) / MINUTE_MS);
                    }
                }
            }
        }
        long lookback = settings.complaintLookback().toMillis();
        for (Ticket t : history.tickets) {
            if (!ExpectedKpis.isComplaint(t)) {
                continue;
            }
            // The route of its delivery, seen at most the lookback before the complaint; else UNKNOWN.
            Delivery seen = null;
            for (Delivery d : byDelivery.getOrDefault(t.deliveryId(), List.of())) {
                if (d.time() <= t.time() && d.time() >= t.time() - lookback) {
                    seen = d;
                }
            }
            String region = seen == null ? t.region() : seen.region();
            String route = seen == null ? UNKNOWN : seen.routeId();
            for (RecordKey k : RecordKey.windows(RecordKey.ROUTES, "ROUTE", region, route, null, t.time(), false)) {
                Sums s = routes.computeIfAbsent(k, x -> new Sums());
                s.complaints++;
                s.byCategory.merge(t.category(), 1L, Long::sum);
            }
        }
        Map<RecordKey, Map<String, Sums>> regions = new TreeMap<>();
        Map<RecordKey, Map<String, Object>> out = new TreeMap<>();
        routes.forEach((key, sums) -> {
            out.put(key, fields(sums, null, null, List.of()));
            regions.computeIfAbsent(key.with("REGION", null, null), x -> new TreeMap<>()).put(key.route(), sums);
        });
        regions.forEach((key, byRoute) -> out.put(key, region(byRoute, settings.minRouteDeliveries())));
        return out;
    }

    private static Map<String, Object> region(Map<String, Sums> byRoute, int minDeliveries) {
        Sums total = new Sums();
        Map<String, Sums> qualifying = new TreeMap<>();
        byRoute.forEach((route, sums) -> {
            if (!route.equals(UNKNOWN)) {
                total.add(sums);
                if (sums.deliveries >= minDeliveries) {
                    qualifying.put(route, sums);
                }
            }
        });
        return fields(total, (long) qualifying.size(), pearson(qualifying), hotspots(qualifying, total));
    }

    private static Map<String, Object> fields(Sums s, Long routes, Double pearson, List<String> hotspots) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("deliveries", s.deliveries);
        f.put("late", s.late());
        f.put("late_rate", ratio(s.late(), s.deliveries));
        f.put("avg_delay_minutes", mean(s.delays));
        f.put("complaints", s.complaints);
        f.put("complaint_rate", ratio(s.complaints, s.deliveries));
        f.put("complaints_by_category", s.byCategory);
        f.put("routes", routes);
        f.put("pearson_r", pearson);
        f.put("hotspots", hotspots);
        return f;
    }

    /** Pearson r of late_rate and complaint_rate over the routes; null below 3 routes or a zero variance. */
    private static Double pearson(Map<String, Sums> routes) {
        if (routes.size() < 3) {
            return null;
        }
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Sums s : routes.values()) {
            x.add((double) s.late() / s.deliveries);
            y.add((double) s.complaints / s.deliveries);
        }
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.size(); i++) {
            sxy += (x.get(i) - mx) * (y.get(i) - my);
            sxx += (x.get(i) - mx) * (x.get(i) - mx);
            syy += (y.get(i) - my) * (y.get(i) - my);
        }
        return sxx == 0 || syy == 0 ? null : sxy / Math.sqrt(sxx) / Math.sqrt(syy);
    }

    /**
     * Up to 5 routes with a complaint whose late and complaint rates are both at least 1.5 x the region's,
     * most complaints first, then by route id. Compared in integers (a/b >= 1.5 c/d: 2ad >= 3cb), exactly.
     */
    private static List<String> hotspots(Map<String, Sums> routes, Sums region) {
        List<String> hot = new ArrayList<>();
        routes.forEach((route, s) -> {
            boolean late = 2 * s.late() * region.deliveries >= 3 * region.late() * s.deliveries;
            boolean complained = 2 * s.complaints * region.deliveries >= 3 * region.complaints * s.deliveries;
            if (s.complaints > 0 && late && complained) {
                hot.add(route);
            }
        });
        hot.sort((a, b) -> routes.get(a).complaints != routes.get(b).complaints
                ? Long.compare(routes.get(b).complaints, routes.get(a).complaints) : a.compareTo(b));
        return hot.subList(0, Math.min(5, hot.size()));
    }
}
