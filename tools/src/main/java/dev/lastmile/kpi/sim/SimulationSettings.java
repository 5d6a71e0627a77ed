package dev.lastmile.kpi.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the simulator generates, in simulated time.
 *
 * @param deliveriesPerHour  new deliveries per region per simulated hour
 * @param disorderShare      share of events emitted late, by up to {@code maxDisorder} (within grace)
 * @param duplicateShare     share of events emitted twice (a producer retry)
 * @param invalidShare       share of extra records that break the contract (they must land in the DLQ)
 * @param dipRegion          region whose on-time rate dips below target during [dipFrom, dipUntil)
 */
public record SimulationSettings(long seed, Instant start, List<String> regions, int routesPerRegion,
                                 int driversPerRoute, double deliveriesPerHour, double disorderShare,
                                 Duration maxDisorder, double duplicateShare, double invalidShare, String dipRegion,
                                 Duration dipFrom, Duration dipUntil) {

    public static final List<String> DEFAULT_REGIONS = List.of("north", "south", "east", "west");
    /** The dip: deliveries that end from this hour of simulated time (after the start) ... */
    public static final int DEFAULT_DIP_FROM_HOUR = 6;
    /** ... until this one: the hourly windows starting at hours 6, 7 and 8 breach, the one at 9 does not. */
    public static final int DEFAULT_DIP_UNTIL_HOUR = 9;
    /** How README, banner and help say it (SimulatorAlertBaselineTest holds the README to it). */
    public static final String DEFAULT_DIP_HOURS = "from simulated hour " + DEFAULT_DIP_FROM_HOUR + " to "
            + DEFAULT_DIP_UNTIL_HOUR;

    public SimulationSettings {
        regions = List.copyOf(regions);
        if (regions.isEmpty() || routesPerRegion < 1 || driversPerRoute < 1 || deliveriesPerHour <= 0) {
            throw new IllegalArgumentException("simulation needs regions, routes, drivers and a positive rate");
        }
    }

    public static SimulationSettings defaults(long seed, Instant start) {
        return new SimulationSettings(seed, start, DEFAULT_REGIONS, 8, 2, 60, 0.02, Duration.ofMinutes(5), 0.01,
                0.002, DEFAULT_REGIONS.get(0), Duration.ofHours(DEFAULT_DIP_FROM_HOUR),
                Duration.ofHours(DEFAULT_DIP_UNTIL_HOUR));
    }

    public SimulationSettings withRegions(List<String> newRegions) {
        return new SimulationSettings(seed, start, newRegions, routesPerRegion, driversPerRoute, deliveriesPerHour,
                disorderShare, maxDisorder, duplicateShare, invalidShare, newRegions.get(0), dipFrom, dipUntil);
    }

    public SimulationSettings withRoutes(int routes) {
        return new SimulationSettings(seed, start, regions, routes, driversPerRoute, deliveriesPerHour,
                disorderShare, maxDisorder, duplicateShare, invalidShare, dipRegion, dipFrom, dipUntil);
    }

    public SimulationSettings withDeliveriesPerHour(double rate) {
        return new SimulationSettings(seed, start, regions, routesPerRegion, driversPerRoute, rate,
                disorderShare, maxDisorder, duplicateShare, invalidShare, dipRegion, dipFrom, dipUntil);
    }


    public SimulationSettings withStart(Instant newStart) {
        return new SimulationSettings(seed, newStart, regions, routesPerRegion, driversPerRoute, deliveriesPerHour,
                disorderShare, maxDisorder, duplicateShare, invalidShare, dipRegion, dipFrom, dipUntil);
    }

    /**
     * @param disorder   share of deliveries and surveys emitted late (within 5 minutes)
     * @param duplicates share of events emitted twice
     * @param invalid    about this share of all events are records broken on purpose
     */
    public SimulationSettings withNoise(double disorder, double duplicates, double invalid) {
        return new SimulationSettings(seed, start, regions, routesPerRegion, driversPerRoute, deliveriesPerHour,
                disorder, maxDisorder, duplicates, invalid, dipRegion, dipFrom, dipUntil);
    }

    /** The route of each region that runs chronically late and drives complaints (ground truth). */
    public static String chronicallyLateRoute(String region) {
        return region + "-r01";
    }
}
