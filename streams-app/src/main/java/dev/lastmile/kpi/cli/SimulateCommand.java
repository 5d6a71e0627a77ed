package dev.lastmile.kpi.cli;

import dev.lastmile.kpi.sim.JsonLinesHistory;
import dev.lastmile.kpi.sim.SimulationSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Generate realistic delivery, ticket and survey events with known problems, as a JSON Lines history.",
        footer = {"", "Ground truth: route <region>-r01 is late ~25% of the time (others <1%) and draws complaints; the first "
            + "region's on-time rate dips below target from hour 6 to 9 of simulated time."})
final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where the JSON Lines history goes.")
    Path output;

    @Option(names = "--hours", defaultValue = "48", description = "Simulated hours of new deliveries (default ${DEFAULT-VALUE}).")
    int hours;

    @Option(names = "--start", defaultValue = "2026-11-02T00:00:00Z", paramLabel = "ISO-8601",
            description = "Simulated start time (default ${DEFAULT-VALUE}).")
    Instant start;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed: the same seed gives the same events.")
    long seed;

    @Option(names = "--regions", split = ",", defaultValue = "north,south,east,west", description = "Regions.")
    List<String> regions;

    @Option(names = "--routes", defaultValue = "8", description = "Routes per region (default ${DEFAULT-VALUE}).")
    int routes;

    @Option(names = "--deliveries-per-hour", defaultValue = "60",
            description = "New deliveries per region per simulated hour (default ${DEFAULT-VALUE}).")
    double deliveriesPerHour;

    @Override
    public Integer call() throws Exception {
        SimulationSettings settings = SimulationSettings.defaults(seed, start).withRegions(regions).withRoutes(routes)
                .withDeliveriesPerHour(deliveriesPerHour);
        long lines = JsonLinesHistory.write(settings, Duration.ofHours(hours), output);
        System.err.printf("simulate: %,d events over %d simulated hours in %s%n", lines, hours, output);
        return 0;
    }
}
