package dev.lastmile.kpi.tools;

import dev.lastmile.kpi.sim.SimulationSettings;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Option;

/** Simulator options shared by `demo` and `simulate`. */
final class SimulationOptions {

    @Option(names = "--seed", defaultValue = "1", description = "Simulator seed: the same seed, the same events.")
    long seed;

    @Option(names = "--regions", split = ",", defaultValue = "north,south,east,west", description = "Regions.")
    List<String> regions;

    @Option(names = "--routes", defaultValue = "8", description = "Routes per region (default ${DEFAULT-VALUE}).")
    int routes;

    @Option(names = "--disorder", defaultValue = "0.02",
            description = "Share of events sent up to 5 minutes late, within grace (default ${DEFAULT-VALUE}).")
    double disorder;

    @Option(names = "--duplicates", defaultValue = "0.01",
            description = "Share of events sent twice (default ${DEFAULT-VALUE}).")
    double duplicates;

    @Option(names = "--invalid", defaultValue = "0.002",
            description = "Share of events broken on purpose, for the DLQ (default ${DEFAULT-VALUE}).")
    double invalid;

    boolean valid() {
        return routes >= 1 && !regions.isEmpty() && disorder >= 0 && disorder <= 1 && duplicates >= 0
                && duplicates <= 1 && invalid >= 0 && invalid <= 0.25;
    }

    SimulationSettings settings(Instant start, double deliveriesPerHour) {
        return SimulationSettings.defaults(seed, start).withRegions(regions).withRoutes(routes)
                .withDeliveriesPerHour(deliveriesPerHour).withNoise(disorder, duplicates, invalid);
    }
}
