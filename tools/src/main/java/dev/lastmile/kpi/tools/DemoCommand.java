package dev.lastmile.kpi.tools;

import dev.lastmile.kpi.config.Durations;
import dev.lastmile.kpi.demo.Demo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run it all locally: embedded Kafka, simulator, pipeline, metrics.",
            "An embedded Kafka broker, the simulator, the pipeline and the /metrics and /health endpoints."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--rate", defaultValue = "200", description = "Events per second, all sources (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--speedup", defaultValue = "120",
            description = "Simulated seconds per real second (default ${DEFAULT-VALUE}: an hourly window closes every 30 s).")
    double speedup;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long, e.g. 10m (default: run until Ctrl-C).")
    Duration duration;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port for /metrics and /health (default ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of every topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @picocli.CommandLine.Mixin
    SimulationOptions simulation;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Keep broker, state, schema ids and simulation here; started again on it (even after a kill -9), "
                    + "the demo carries on where it stopped (default: a temporary directory, removed at the end).")
    Path dataDir;

    /** 30s, 10m, 1h or ISO-8601, as the configuration reads them. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = Durations.parse(value);
            if (d == null) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a duration such as 30s or 10m");
            }
            return d;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (rate <= 0 || speedup <= 0 || partitions < 1 || !simulation.valid()) {
            System.err.println("demo: --rate, --speedup, --routes and --partitions must be positive, --regions not "
                    + "empty, shares between 0 and 1");
            return 2;
        }
        Demo demo = Demo.start(new Demo.Options(rate, simulation.settings(Instant.now(), 1), speedup, port,
                dataDir, partitions), System.getenv(), System.out);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            demo.close();
        }, "lastmile-demo-shutdown"));
        if (duration == null) {
            stop.await();
        } else if (!stop.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
            demo.close();
        }
        return 0;
    }
}
