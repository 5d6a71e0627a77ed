package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.CorrelationLevel;
import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.WindowKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The contract's route-delay / complaint formulas: one route's record, and its region's correlation. */
public final class RouteComplaintKpis {

    public static final int MAX_HOTSPOTS = 5;

    private RouteComplaintKpis() {
    }

    public static RouteComplaintKpi route(String region, String route, WindowKind window, long start, long end,
                                          boolean isFinal, RouteCounts c) {
        return base(CorrelationLevel.ROUTE, region, route, window, start, end, isFinal, c).build();
    }

    /**
     * The REGION record over every route of one region and window.
     *
     * @param routes route id -> counts, UNKNOWN included (it is left out of every region figure)
     */
    public static RouteComplaintKpi region(String region, WindowKind window, long start, long end, boolean isFinal,
                                           Map<String, RouteCounts> routes, int minRouteDeliveries) {
        RouteCounts total = RouteCounts.EMPTY;
        Map<String, RouteCounts> qualifying = new TreeMap<>();
        for (Map.Entry<String, RouteCounts> e : new TreeMap<>(routes).entrySet()) {
            if (e.getKey().equals(RouteObservation.UNKNOWN_ROUTE)) {
                continue;
            }
            total = total.merge(e.getValue());
            if (e.getValue().deliveries() >= minRouteDeliveries) {
                qualifying.put(e.getKey(), e.getValue());
            }
        }
        return base(CorrelationLevel.REGION, region, null, window, start, end, isFinal, total)
                .setRoutes(qualifying.size())
                .setPearsonR(pearson(qualifying))
                .setHotspots(hotspots(qualifying, total))
                .build();
    }

    private static RouteComplaintKpi.Builder base(CorrelationLevel level, String region, String route,
                                                  WindowKind window, long start, long end, boolean isFinal,
                                                  RouteCounts c) {
        return RouteComplaintKpi.newBuilder().setLevel(level).setRegion(region).setRouteId(route)
                .setWindow(window).setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(end))
                .setFinal$(isFinal)
                .setDeliveries(c.deliveries()).setLate(c.late())
                .setLateRate(Ratios.ratio(c.late(), c.deliveries()))
                .setAvgDelayMinutes(Ratios.meanMinutes(c.delaySumMillis(), c.lateDelivered()))
                .setComplaints(c.complaints())
                .setComplaintRate(Ratios.ratio(c.complaints(), c.deliveries()))
                .setComplaintsByCategory(new TreeMap<>(c.complaintsByCategory()))
                .setRoutes(null).setPearsonR(null).setHotspots(List.of());
    }

    /** Pearson r of late_rate and complaint_rate; null below 3 routes or with a zero variance. */
    static Double pearson(Map<String, RouteCounts> routes) {
        int n = routes.size();
        if (n < 3) {
            return null;
        }
        double[] x = new double[n];
        double[] y = new double[n];
        int i = 0;
        for (RouteCounts c : routes.values()) {
            x[i] = (double) c.late() / c.deliveries();
            y[i] = (double) c.complaints() / c.deliveries();
            i++;
        }
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int k = 0; k < n; k++) {
            sxy += (x[k] - mx) * (y[k] - my);
            sxx += (x[k] - mx) * (x[k] - mx);
            syy += (y[k] - my) * (y[k] - my);
        }
        if (sxx == 0 || syy == 0) {
            return null;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /**
     * Routes with a complaint whose late and complaint rates are both at least 1.5 x the region's,
     * compared exactly in integers: late_r / del_r >= 1.5 L / D  <=>  2 late_r D >= 3 L del_r.
     */
    static List<String> hotspots(Map<String, RouteCounts> qualifying, RouteCounts region) {
        long d = region.deliveries();
        List<Map.Entry<String, RouteCounts>> hits = new ArrayList<>();
        for (Map.Entry<String, RouteCounts> e : qualifying.entrySet()) {
            RouteCounts c = e.getValue();
            boolean lateHot = 2 * c.late() * d >= 3 * region.late() * c.deliveries();
            boolean complaintHot = 2 * c.complaints() * d >= 3 * region.complaints() * c.deliveries();
            if (c.complaints() > 0 && lateHot && complaintHot) {
                hits.add(e);
            }
        }
        hits.sort(Comparator.<Map.Entry<String, RouteCounts>>comparingLong(e -> -e.getValue().complaints())
                .thenComparing(Map.Entry::getKey));
        return hits.stream().limit(MAX_HOTSPOTS).map(Map.Entry::getKey).toList();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }
}
