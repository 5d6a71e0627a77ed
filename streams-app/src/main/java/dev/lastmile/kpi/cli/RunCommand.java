package dev.lastmile.kpi.cli;

import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.http.OpsServer;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.metrics.Registries;
import dev.lastmile.kpi.registry.RegistryStartupCheck;
import dev.lastmile.kpi.registry.RemoteRegistry;
import dev.lastmile.kpi.runtime.AuthorizationFailure;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.runtime.Preflight;
import dev.lastmile.kpi.runtime.TopicSetup;
import dev.lastmile.kpi.topology.TopologyOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the pipeline against a Kafka cluster (production).",
            "Needs bootstrap.servers and schema.registry.url; serves /metrics and /health on http.port."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = config.load();
        ConfigLoader.requireCluster(c);
        // Cheapest and most local checks first, and all before anything is created: the port is
        // taken (and kept) now, so it cannot be lost to another process while Kafka is set up.
        OpsServer http = OpsServer.bind(c.httpBind(), c.httpPort());
        PrometheusMeterRegistry registry = Registries.prometheus(c.metricsKafkaDetail(), c.topics().inputs());
        Pipeline pipeline;
        RemoteRegistry schemas;
        Map<String, Integer> partitions;
        try {
            Preflight.stateDir(c);
            Preflight.brokers(c);
            schemas = RemoteRegistry.connect(c, registry);
            RegistryStartupCheck.check(schemas.client()); // before anything is created
            partitions = TopicSetup.inputPartitions(c);
            List<String> created = TopicSetup.ensureOutputs(c, c.createOutputTopics());
            if (!created.isEmpty()) {
                LOG.info("Created output topics {}", created);
            }
            TopologyOptions options = new TopologyOptions(schemas.client(), new PipelineMetrics(registry), partitions,
                    false);
            pipeline = new Pipeline(c, options);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
        http.serve(registry, pipeline, schemas.health());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Shutdown requested; closing Kafka Streams");
            pipeline.close();
            http.close();
        }, "lastmile-shutdown"));
        LOG.info("Starting lastmile-kpi {} on {} (inputs {}); metrics and health on port {}", c.applicationId(),
                c.bootstrapServers(), partitions, http.port());
        pipeline.start();
        if (!pipeline.awaitStop()) {
            return 0;
        }
        AuthorizationFailure.explain(pipeline.failure()).ifPresent(line -> spec.commandLine().getErr().println("lastmile-kpi: " + line));
        return 1;
    }

    /** Thrown config problems print as one line, not a stack trace. */
    static int report(ConfigException e, PrintWriter err) {
        err.println("lastmile-kpi: " + e.getMessage());
        return 2;
    }
}
