package dev.lastmile.kpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.WindowKind;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The region formulas without Kafka: hotspot order, the cap of five, and when r is undefined. */
class RouteComplaintKpisTest {

    private static RouteCounts route(long deliveries, long onTime, long complaints) {
        return new RouteCounts(deliveries, onTime, 0, 0, complaints, Map.of("LATE_DELIVERY", complaints));
    }

    private static RouteComplaintKpi region(Map<String, RouteCounts> routes) {
        return RouteComplaintKpis.region("r", WindowKind.ROLLING_24H, 0, 1, true, routes, 5);
    }

    @Test
    void shouldRankHotspotsByComplaintsThenRouteIdAndKeepFive() {
        Map<String, RouteCounts> routes = new TreeMap<>();
        // Seven hot routes (all late, many complaints) among twenty calm ones (all on time, none).
        routes.put("h-g", route(10, 0, 3));
        routes.put("h-b", route(10, 0, 5));
        routes.put("h-a", route(10, 0, 5));
        routes.put("h-c", route(10, 0, 4));
        routes.put("h-d", route(10, 0, 4));
        routes.put("h-e", route(10, 0, 2));
        routes.put("h-f", route(10, 0, 1));
        for (int i = 0; i < 20; i++) {
            routes.put("calm-" + i, route(10, 10, 0));
        }
        // Region: 270 deliveries, 70 late (0.26), 24 complaints (0.089). Every hot route has late_rate
        // 1.0 >= 1.5 * 0.26; complaint_rate must be >= 1.5 * 24/270 = 0.133, which h-f (0.1) is not.
        // Six remain: by complaints, ties by id, the first five.
        RouteComplaintKpi k = region(routes);
        assertThat(k.getHotspots()).containsExactly("h-a", "h-b", "h-c", "h-d", "h-g");
        assertThat(k.getRoutes()).isEqualTo(27);
    }

    @Test
    void shouldLeaveUnknownOutOfTheRegionAndNeverMakeItAHotspot() {
        Map<String, RouteCounts> routes = new TreeMap<>();
        routes.put("a", route(10, 9, 1));
        routes.put("b", route(10, 10, 0));
        routes.put("UNKNOWN", route(0, 0, 9));
        RouteComplaintKpi k = region(routes);
        assertThat(k.getComplaints()).isEqualTo(1);
        assertThat(k.getDeliveries()).isEqualTo(20);
        assertThat(k.getHotspots()).containsExactly("a"); // late 0.1 >= 1.5*0.05, complaints 0.1 >= 1.5*0.05
        assertThat(k.getRoutes()).isEqualTo(2);
    }

    @Test
    void shouldGiveNoCorrelationBelowThreeRoutesOrWithoutVariance() {
        Map<String, RouteCounts> two = Map.of("a", route(10, 5, 1), "b", route(10, 8, 2));
        assertThat(region(two).getPearsonR()).isNull();
        Map<String, RouteCounts> flatLateness = Map.of("a", route(10, 5, 1), "b", route(10, 5, 2),
                "c", route(10, 5, 3));
        assertThat(region(flatLateness).getPearsonR()).isNull();
        Map<String, RouteCounts> small = Map.of("a", route(4, 0, 1), "b", route(4, 4, 2), "c", route(4, 2, 3));
        assertThat(region(small).getRoutes()).isZero();
        assertThat(region(small).getPearsonR()).isNull();
    }
}
