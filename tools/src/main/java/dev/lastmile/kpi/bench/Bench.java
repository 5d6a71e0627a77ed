package dev.lastmile.kpi.bench;

import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.embedded.EmbeddedKafka;
import dev.lastmile.kpi.runtime.TopicSetup;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.topology.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * One bench run: an embedded broker and an in-memory schema registry, a simulated backlog in the
 * inputs, then in this order: replay of the same history in a JVM of its own (the reference), the raw ceiling (cold,
 * then warm), the whole pipeline until every final is out, latency at a steady rate into the same
 * running pipeline, and the comparison of the live finals with replay's.
 */
public final class Bench {

    /** What to run; see {@code bench --help}. */
    public record Options(long events, int partitions, int instances, int threads, String guarantee, long seed,
                          double latencyRate, Duration latencyLength, Duration timeout, Path workDir) {
    }

    private Bench() {
    }

    public static BenchReport run(Options o, PrintWriter log) throws Exception {
        Path scratch = Files.createTempDirectory(o.workDir(), "bench-");
        String scope = "bench-" + UUID.randomUUID();
        SchemaRegistryClient registry = MockSchemaRegistry.forScope(scope);
        BenchReport report = new BenchReport(o);
        Thread cleanup = new Thread(() -> Resources.deleteRecursively(scratch), "bench-cleanup"); // on Ctrl-C
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(scratch.resolve("kafka"), true)) {
            Map<String, String> settings = new HashMap<>();
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("schema.registry.url", "mock://" + scope);
            settings.put("application.id", "lastmile-bench");
            settings.put("processing.guarantee", "eos".equals(o.guarantee()) ? "exactly_once_v2" : "at_least_once");
            settings.put("num.stream.threads", Integer.toString(o.threads()));
            settings.put("http.port", "0");
            settings.put("state.dir", scratch.resolve("state").toString());
            PipelineConfig config = ConfigLoader.defaults().overrides(settings).load();
            Topics topics = Topics.of(config.topics(), registry);
            Map<String, Integer> partitions = new HashMap<>();
            try (Admin admin = kafka.admin()) {
                TopicSetup.createAll(admin, config, o.partitions());
                keepForever(admin, config.topics().inputs()); // simulated event times are weeks old
            }
            config.topics().inputs().forEach(t -> partitions.put(t, o.partitions()));

            log.printf("bench: loading %,d simulated events into %d partitions per input ...%n", o.events(), o.partitions());
            Backlog backlog = Backlog.load(config.clientProperties(), topics, Backlog.settings(o.seed(), o.events()),
                    o.events(), scratch.resolve("history.jsonl"));
            report.backlog(backlog);

            log.printf("bench: replay of the same %,d lines (the reference) ...%n", backlog.events());
            // Only what the two must share: replay sets everything else itself (and needs no broker).
            ReplayCheck replay = ReplayCheck.run(Map.of("application.id", config.applicationId()), backlog.history(),
                    scratch.resolve("replay.jsonl"), log);
            report.replay(replay);

            log.println("bench: the raw ceiling (a plain consumer that decodes every input record), cold then warm ...");
            Throughput cold = Ceiling.measure(config.clientProperties(), topics, backlog.events(), o.timeout());
            Throughput warm = Ceiling.measure(config.clientProperties(), topics, backlog.events(), o.timeout());
            report.ceiling(cold, warm);

            log.printf("bench: the pipeline, %d instance(s) x %d thread(s), %s ...%n", o.instances(), o.threads(),
                    config.processingGuarantee());
            try (Admin admin = kafka.admin();
                 OutputWatch outputs = new OutputWatch(config.clientProperties(), topics);
                 PipelineRun run = new PipelineRun(settings, o.instances(), registry, partitions, scratch)) {
                InputLag lag = new InputLag(admin, config.applicationId(), config.topics().inputs());
                PipelineRun.Result result = run.runUntil(outputs, replay.counts(), backlog.events(), o.timeout(), lag,
                        log::println);
                report.pipeline(result);
                List<String> repartition = lag.internalTopics("-repartition");
                List<String> changelog = lag.internalTopics("-changelog");
                report.internal(InputLag.recordsSent(repartition), lag.endOffsets(repartition),
                        InputLag.recordsSent(changelog));
                report.outputs(outputs.records(), outputs);
                report.correctness(result.done(), replay.differences(outputs.finals(), outputs.topicNames()),
                        replay.counts());
                if (o.latencyRate() > 0) {
                    log.printf("bench: latency at %.0f events/s for %d s ...%n", o.latencyRate(),
                            o.latencyLength().toSeconds());
                    Map<String, Long> before = outputs.records();
                    long start = System.nanoTime();
                    report.latency(LatencyProbe.measure(config.clientProperties(), topics, o.latencyRate(),
                            o.latencyLength(), Duration.ofSeconds(30)));
                    double hours = (System.nanoTime() - start) / 3.6e12;
                    while (outputs.poll(Duration.ofSeconds(2)) > 0) {
                        // what the latency run wrote, to the last record
                    }
                    report.liveOutputs(before, outputs.records(), hours);
                }
                run.close();
                report.state(run.stateBytes());
            }
        } finally {
            MockSchemaRegistry.dropScope(scope);
            Resources.deleteRecursively(scratch);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
        return report;
    }

    private static void keepForever(Admin admin, List<String> topics) throws Exception {
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> ops = new HashMap<>();
        for (String t : topics) {
            ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(new AlterConfigOp(
                    new ConfigEntry("retention.ms", "-1"), AlterConfigOp.OpType.SET)));
        }
        admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
    }
}
