package dev.lastmile.kpi.cli;

import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.http.OpsServer;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.metrics.Registries;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.runtime.Preflight;
import dev.lastmile.kpi.runtime.TopicSetup;
import dev.lastmile.kpi.serde.SchemaRegistryClients;
import dev.lastmile.kpi.topology.TopologyOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the pipeline against a Kafka cluster (production).",
            "Needs bootstrap.servers and schema.registry.url; serves /metrics and /health on http.port."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = config.load();
        ConfigLoader.requireCluster(c);
        // Cheapest and most local checks first, and all before anything is created: the port is
        // taken (and kept) now, so it cannot be lost to another process while Kafka is set up.
        OpsServer http = OpsServer.bind(c.httpBind(), c.httpPort());
        Pipeline pipeline;
        PrometheusMeterRegistry registry = Registries.prometheus();
        Map<String, Integer> partitions;
        try {
            Preflight.stateDir(c);
            Preflight.brokers(c);
            partitions = TopicSetup.inputPartitions(c);
            List<String> created = TopicSetup.ensureOutputs(c, c.createOutputTopics());
            if (!created.isEmpty()) {
                LOG.info("Created output topics {}", created);
            }
            TopologyOptions options = new TopologyOptions(
                    SchemaRegistryClients.forUrl(c.schemaRegistryUrl(), c.schemaRegistryAuth()),
                    new PipelineMetrics(registry), partitions, false);
            pipeline = new Pipeline(c, options);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
        http.serve(registry, pipeline);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Shutdown requested; closing Kafka Streams");
            pipeline.close();
            http.close();
        }, "lastmile-shutdown"));
        LOG.info("Starting lastmile-kpi {} on {} (inputs {}); metrics and health on port {}", c.applicationId(),
                c.bootstrapServers(), partitions, http.port());
        pipeline.start();
        return pipeline.awaitStop() ? 1 : 0;
    }

    /** Thrown config problems print as one line, not a stack trace. */
    static int report(ConfigException e) {
        System.err.println("lastmile-kpi: " + e.getMessage());
        return 2;
    }
}
