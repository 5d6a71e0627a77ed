package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.kpi.RouteComplaintKpis;
import dev.lastmile.kpi.kpi.RouteCounts;
import dev.lastmile.kpi.kpi.RouteObservation;
import dev.lastmile.kpi.watermark.Envelope;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;

/**
 * Route-delay / complaint correlation on rolling 24h windows: one series per region|route, and a
 * REGION summary recomputed from all of a region's routes whenever any of them is emitted, so a
 * change to one route always corrects its region.
 */
final class RouteComplaintWindows extends CountingKpi<RouteObservation, RouteCounts, RouteComplaintKpi> {

    static final String NAME = KpiFamilies.ROUTE_COMPLAINTS.name();

    private static final Serde<RouteCounts> SERDE = CountsSerde.of(5, RouteCounts::longs,
            RouteCounts::complaintsByCategory, RouteCounts::of);

    private final int minRouteDeliveries;

    RouteComplaintWindows(int minRouteDeliveries) {
        super(KpiFamilies.ROUTE_COMPLAINTS, RouteCounts.EMPTY, RouteCounts::add, RouteCounts::merge, SERDE);
        this.minRouteDeliveries = minRouteDeliveries;
    }

    @Override
    public Set<WindowKind> windows() {
        return Set.of(WindowKind.ROLLING_24H);
    }

    @Override
    public RouteObservation decode(Envelope.Data data) {
        return RouteObservation.decode(data.payload());
    }

    @Override
    public long eventTime(RouteObservation o) {
        return o.timeMs();
    }

    @Override
    public List<String> groups(RouteObservation o) {
        return List.of(o.region() + "|" + o.route());
    }

    @Override
    public KeyValue<String, RouteComplaintKpi> output(String group, WindowKind window, long start, long end,
                                                      RouteCounts counts, boolean isFinal) {
        int bar = group.indexOf('|');
        return KeyValue.pair(KpiKeys.of("ROUTE|" + group, window, start), RouteComplaintKpis.route(
                group.substring(0, bar), group.substring(bar + 1), window, start, end, isFinal, counts));
    }

    @Override
    public String summaryOf(String group) {
        return group.substring(0, group.indexOf('|'));
    }

    @Override
    public List<KeyValue<String, RouteComplaintKpi>> summarize(String region, WindowKind window, long start, long end,
                                                               Map<String, RouteCounts> groups, boolean isFinal) {
        Map<String, RouteCounts> routes = new TreeMap<>();
        groups.forEach((group, counts) -> routes.put(group.substring(group.indexOf('|') + 1), counts));
        return List.of(KeyValue.pair(KpiKeys.of("REGION|" + region, window, start),
                RouteComplaintKpis.region(region, window, start, end, isFinal, routes, minRouteDeliveries)));
    }
}
