package dev.lastmile.kpi.demo;

import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.embedded.EmbeddedKafka;
import dev.lastmile.kpi.embedded.EmbeddedSchemaRegistry;
import dev.lastmile.kpi.embedded.FileSchemaRegistry;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.http.OpsServer;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.metrics.Registries;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.runtime.TopicSetup;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.sim.KafkaSimulation;
import dev.lastmile.kpi.sim.SimulationSettings;
import dev.lastmile.kpi.sim.SimulationSettingsFile;
import dev.lastmile.kpi.sim.Simulator;
import dev.lastmile.kpi.topology.TopologyOptions;
import dev.lastmile.kpi.topology.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;

/**
 * Everything a newcomer needs on one machine: a real Kafka broker in this JVM, the contract's
 * topics, the simulator playing realistic traffic, the pipeline, and the metrics and health
 * endpoints; plus a summary line per region every few seconds. Closing stops it all and removes
 * its data unless a data directory was given.
 */
public final class Demo implements AutoCloseable {

    /**
     * @param rate       events per second of wall-clock time, all sources together
     * @param simulation what to simulate; its start and delivery rate are set here from {@code rate}
     * @param speedup    simulated seconds per wall-clock second
     * @param dataDir  where broker and state live and stay; null for a temporary directory
     */
    public record Options(double rate, SimulationSettings simulation, double speedup, int port, Path dataDir,
                          int partitions) {

        List<String> regions() {
            return simulation.regions();
        }
    }

    private final Options options;
    private final PrintStream out;
    private final Path dataDir;
    private final boolean temporary;
    private EmbeddedKafka kafka;
    private EmbeddedSchemaRegistry schemaRegistry;
    private Pipeline pipeline;
    private OpsServer http;
    private KafkaSimulation simulation;
    private PipelineMetrics metrics;
    private PrometheusMeterRegistry registry;
    private String registryScope;
    private ScheduledExecutorService summaries;
    private boolean closed;

    private Demo(Options options, PrintStream out) throws IOException {
        this.options = options;
        this.out = out;
        this.temporary = options.dataDir() == null;
        this.dataDir = temporary ? temporaryDataDir() : options.dataDir();
    }

    public static Demo start(Options options, Map<String, String> environment, PrintStream out) throws Exception {
        Demo demo = new Demo(options, out);
        try {
            demo.boot(environment);
            return demo;
        } catch (Exception | Error e) {
            demo.close();
            throw e;
        }
    }

    private void boot(Map<String, String> environment) throws Exception {
        // The port first: a port in use ends the demo with one line before a broker is started.
        http = OpsServer.bind(ConfigLoader.defaults().environment(environment).load().httpBind(), options.port());
        out.println("lastmile-kpi demo: starting an embedded Kafka broker ...");
        kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), false);
        registryScope = "demo-" + UUID.randomUUID();
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", "mock://" + registryScope);
        settings.put("state.dir", dataDir.resolve("state").toString());
        settings.put("application.id", "lastmile-kpi-demo");
        settings.put("http.port", Integer.toString(options.port()));
        PipelineConfig config = ConfigLoader.defaults().environment(environment).overrides(settings).load();
        try (Admin admin = kafka.admin()) {
            TopicSetup.createAll(admin, config, options.partitions());
        }
        registry = Registries.prometheus(config.metricsKafkaDetail(), config.topics().inputs());
        metrics = new PipelineMetrics(registry);
        // Ids kept in the data dir: after a restart (even a kill -9) records written before still decode.
        SchemaRegistryClient schemas = FileSchemaRegistry.open(dataDir.resolve("schemas.json"),
                MockSchemaRegistry.URL_PREFIX + registryScope);
        MockSchemaRegistry.bind(registryScope, schemas);
        schemaRegistry = EmbeddedSchemaRegistry.start(schemas); // for consumers in other processes
        Map<String, Integer> partitions = new HashMap<>();
        config.topics().inputs().forEach(t -> partitions.put(t, options.partitions()));
        simulation = new KafkaSimulation(config.clientProperties(), Topics.of(config.topics(), schemas),
                simulationSettings(), options.speedup());
        KafkaSimulation.Resumed resumed = simulation.resume();
        // The pipeline judges "now" (caught-up progress, future events) by the simulated clock,
        // which runs --speedup times faster than the wall clock: by how far the simulator has sent,
        // so a partition read to its end never vouches for time a starved simulator has not covered
        // (at 600x a one-second stall is 10 simulated minutes; its events would arrive late).
        simulation.startClock();
        pipeline = new Pipeline(config, new TopologyOptions(schemas, metrics, partitions, false)
                .withEventClock(wallMs -> simulation.sentUpTo())).start();
        http.serve(registry, pipeline, null);
        Thread simThread = new Thread(simulation, "lastmile-simulator");
        simThread.setDaemon(true);
        simThread.start();

        banner(config, resumed);
        summaries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lastmile-summary");
            t.setDaemon(true);
            return t;
        });
        summaries.scheduleAtFixedRate(this::printSummary, 5, 5, TimeUnit.SECONDS);
    }

    /**
     * What to simulate: the settings kept in the data dir if an earlier run left them (the same
     * events are replayed, so the simulation continues where it stopped), else new ones, kept
     * before anything is sent. Simulated time starts 3 days back.
     */
    private SimulationSettings simulationSettings() throws IOException {
        Path file = dataDir.resolve("simulation.json");
        double deliveriesPerHour = options.rate() * 3600 / options.speedup() / Simulator.EVENTS_PER_DELIVERY
                / options.regions().size();
        SimulationSettings wanted = options.simulation().withDeliveriesPerHour(deliveriesPerHour);
        Optional<SimulationSettings> kept = SimulationSettingsFile.read(file);
        if (kept.isPresent()) {
            if (!kept.get().withStart(wanted.start()).equals(wanted)) {
                out.println("lastmile-kpi demo: continuing the simulation kept in " + file
                        + "; its settings win over --rate, --seed, --regions, --routes and the shares given now");
            }
            return kept.get();
        }
        SimulationSettings fresh = wanted.withStart(Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS));
        SimulationSettingsFile.write(file, fresh);
        return fresh;
    }

    /**
     * Removed when the demo stops. Not under java.io.tmpdir: Kafka Streams warns about a state
     * directory there (an OS may clear it), rightly for `run`, needlessly for a demo's scratch data.
     */
    private static Path temporaryDataDir() throws IOException {
        Path parent = Files.createDirectories(Path.of(System.getProperty("user.home"), ".lastmile-kpi"));
        return Files.createTempDirectory(parent, "demo-");
    }

    /**
     * The product's consume command for this demo's cluster, to paste into another shell: final hourly and
     * rolling delivery KPIs as a table, from the beginning and then as they come. Topic names that are not the
     * defaults (set through LASTMILE_TOPIC_* here) are passed on, since that shell may not have them.
     */
    private String consumeCommand(PipelineConfig config) {
        StringBuilder command = new StringBuilder("java -jar streams-app/target/lastmile-kpi.jar consume "
                + KpiFamilies.DELIVERY.name() + " --final-only --format table --from-beginning --follow"
                + " --set bootstrap.servers=" + kafka.bootstrapServers()
                + " --set schema.registry.url=" + schemaRegistry.url());
        String topic = config.topics().kpi(KpiFamilies.DELIVERY);
        if (!topic.equals(KpiFamilies.DELIVERY.defaultTopic())) {
            command.append(" --set ").append(KpiFamilies.DELIVERY.topicSetting()).append('=').append(topic);
        }
        return command.toString();
    }

    private void banner(PipelineConfig config, KafkaSimulation.Resumed resumed) {
        String url = "http://localhost:" + http.port();
        out.println("lastmile-kpi demo is running (Ctrl-C stops it" + (temporary ? " and removes its data)" : ")"));
        out.println("  Kafka broker     " + kafka.bootstrapServers());
        out.println("  metrics          " + url + "/metrics");
        out.println("  health           " + url + "/health/live  " + url + "/health/ready");
        out.println("  schema registry  " + schemaRegistry.url() + "  (Confluent API, for your own consumers)");
        out.println("  inputs           " + String.join(", ", config.topics().inputs()));
        out.println("  KPI topics       " + String.join(", ", config.topics().kpis().values()));
        out.println("  DLQ / late       " + config.topics().dlq() + ", " + config.topics().lateEvents());
        out.println("  read a topic     " + consumeCommand(config));
        out.printf("  simulation       %s, %d routes each, %.0f events/s, %.0fx speed-up from %s (seed %d)%n",
                String.join(",", simulation.settings().regions()), simulation.settings().routesPerRegion(), options.rate(),
                options.speedup(), simulation.settings().start(), simulation.settings().seed());
        if (resumed.eventsFound() > 0) {
            out.printf("  resumed          at %s, after the %,d events already in the inputs (%,d more that never "
                    + "arrived sent now)%n", resumed.clock(), resumed.eventsFound(), resumed.eventsResent());
        }
        out.println("  ground truth     route <region>-r01 runs late and draws complaints; "
                + simulation.settings().dipRegion() + "'s on-time rate dips from simulated hour "
                + simulation.settings().dipFrom().toHours() + " to " + simulation.settings().dipUntil().toHours());
        out.printf("  console          the [time] of each summary line is simulated time (%.0fx the wall clock)%n",
                options.speedup());
    }

    /**
     * One line per region: on-time rate of the last closed hour and of the last 24 h, FCR and CSAT
     * rate of the last 24 h, how many routes are hotspots, and which alerts fire.
     */
    void printSummary() {
        try {
            Instant simulatedNow = Instant.ofEpochMilli(simulation.simulatedTime(System.currentTimeMillis()));
            out.printf("[simulated time %s] pipeline %s, %,d events sent, %.0f in DLQ, %.0f late%n",
                    simulatedNow.truncatedTo(ChronoUnit.MINUTES), pipeline.state(), simulation.sent(),
                    total("lastmile.dlq.records"), total("lastmile.late.records"));
            Map<String, Double> onTimeHour = metrics.latestFinal("lastmile_on_time_ratio", "hourly");
            Map<String, Double> onTimeDay = metrics.latest("lastmile_on_time_ratio", "rolling_24h");
            Map<String, Double> fcr = metrics.latest("lastmile_first_contact_resolution_ratio", "rolling_24h");
            Map<String, Double> csat = metrics.latest("lastmile_csat_ratio", "rolling_24h");
            Map<String, Double> hotspots = metrics.latest("lastmile_route_hotspots", "rolling_24h");
            Map<String, List<String>> alerts = metrics.firingAlerts();
            for (String region : simulation.settings().regions()) {
                Double hour = onTimeHour.get(region);
                out.printf("  %-8s on-time last hour %s 24h %s | FCR 24h %s | CSAT 24h %s | route hotspots %s"
                                + " | alerts %s%n", region, fmt(hour), fmt(onTimeDay.get(region)), fmt(fcr.get(region)),
                        fmt(csat.get(region)),
                        hotspots.get(region) == null ? "-" : String.format("%.0f", hotspots.get(region)),
                        alerts.getOrDefault(region, List.of()).isEmpty() ? "none"
                                : String.join(",", alerts.get(region)) + " FIRING");
            }
        } catch (RuntimeException e) {
            out.println("summary unavailable: " + e);
        }
    }

    private double total(String counter) {
        return registry.find(counter).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static String fmt(Double v) {
        return v == null || v.isNaN() ? "  -  " : String.format("%.3f", v);
    }

    public int httpPort() {
        return http.port();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (summaries != null) {
            summaries.shutdownNow();
        }
        if (simulation != null) {
            simulation.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        if (http != null) {
            http.close();
        }
        if (schemaRegistry != null) {
            schemaRegistry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (registryScope != null) {
            MockSchemaRegistry.dropScope(registryScope);
        }
        if (temporary) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory; the OS cleans it eventually
            }
        }
        out.println("lastmile-kpi demo stopped" + (temporary ? "; temporary data removed" : "; data kept in " + dataDir));
    }
}
