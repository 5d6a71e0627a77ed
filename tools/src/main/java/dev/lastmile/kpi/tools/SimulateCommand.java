package dev.lastmile.kpi.tools;

import dev.lastmile.kpi.cli.ConfigOptions;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.runtime.TopicSetup;
import dev.lastmile.kpi.serde.SchemaRegistryClients;
import dev.lastmile.kpi.sim.JsonLinesHistory;
import dev.lastmile.kpi.sim.KafkaSimulation;
import dev.lastmile.kpi.sim.SimulationSettings;
import dev.lastmile.kpi.sim.Simulator;
import dev.lastmile.kpi.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Generate realistic events with known problems (file or Kafka).",
            "Delivery, ticket and survey events with built-in ground truth:",
            "into a JSON Lines history (--output), or live into the input topics of a cluster (the --config/--set settings)."},
        footer = {"", "Ground truth: route <region>-r01 is late ~2%% of the time (others 0.05%%) and draws complaints; the first "
            + "region's on-time rate dips below target " + SimulationSettings.DEFAULT_DIP_HOURS + "."})
final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--output", paramLabel = "FILE", description = "Write a JSON Lines history here instead of to Kafka.")
    Path output;

    @Option(names = "--hours", defaultValue = "48", description = "History: simulated hours of new deliveries (default ${DEFAULT-VALUE}).")
    int hours;

    @Option(names = "--start", paramLabel = "ISO-8601",
            description = "Simulated start time (default: history 2026-11-02T00:00:00Z; live: now).")
    Instant start;

    @Option(names = "--deliveries-per-hour", defaultValue = "60",
            description = "History: new deliveries per region per simulated hour (default ${DEFAULT-VALUE}).")
    double deliveriesPerHour;

    @Option(names = "--rate", defaultValue = "200", description = "Live: events per second (default ${DEFAULT-VALUE}).")
    double rate;

    /**
     * Real time by default: `run` judges event time by the wall clock (a caught-up partition vouches
     * for it), so faster simulated time that starts in the past would arrive late.
     */
    @Option(names = "--speedup", defaultValue = "1", description = "Live: simulated seconds per real second (default ${DEFAULT-VALUE}: real time, as `run` judges event time by the wall clock).")
    double speedup;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DemoCommand.DurationConverter.class,
            description = "Live: stop after this long, e.g. 10m (default: until Ctrl-C).")
    Duration duration;

    @Mixin
    SimulationOptions simulation;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        if (!simulation.valid() || rate <= 0 || speedup <= 0 || deliveriesPerHour <= 0) {
            System.err.println("simulate: rates, routes and regions must be positive, shares between 0 and 1");
            return 2;
        }
        if (output != null) {
            SimulationSettings settings = simulation.settings(
                    start == null ? Instant.parse("2026-11-02T00:00:00Z") : start, deliveriesPerHour);
            long lines = JsonLinesHistory.write(settings, Duration.ofHours(hours), output);
            System.err.printf("simulate: %,d events over %d simulated hours in %s%n", lines, hours, output);
            return 0;
        }
        PipelineConfig c = config.load();
        ConfigLoader.requireCluster(c);
        TopicSetup.inputPartitions(c); // the input topics must exist
        Instant from = start != null ? start : Instant.now().truncatedTo(ChronoUnit.SECONDS);
        SimulationSettings settings = simulation.settings(from,
                rate * 3600 / speedup / Simulator.EVENTS_PER_DELIVERY / simulation.regions.size());
        try (KafkaSimulation live = new KafkaSimulation(c.clientProperties(),
                Topics.of(c.topics(), SchemaRegistryClients.forUrl(c.schemaRegistryUrl(), c.schemaRegistryAuth())),
                settings, speedup)) {
            Thread thread = new Thread(live, "lastmile-simulator");
            Runtime.getRuntime().addShutdownHook(new Thread(live::close));
            System.err.printf("simulate: %.0f events/s into %s at %.0fx from %s%n", rate, c.bootstrapServers(), speedup,
                    from);
            thread.start();
            thread.join(duration == null ? 0 : duration.toMillis());
            System.err.printf("simulate: %,d events sent (%,d broken on purpose)%n", live.sent(), live.invalidSent());
        }
        return 0;
    }
}
