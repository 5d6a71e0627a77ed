package dev.lastmile.kpi.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.consume.ConsumedTopic;
import dev.lastmile.kpi.consume.RecordFilter;
import dev.lastmile.kpi.consume.RecordJson;
import dev.lastmile.kpi.consume.TableWriter;
import dev.lastmile.kpi.consume.TopicReader;
import dev.lastmile.kpi.serde.SchemaRegistryClients;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Print a KPI, alert, DLQ or late topic as JSON lines or a table.",
            "Decoded through the schema registry; the JSON fields are as replay writes them.",
            "DLQ and late records show their reason headers beside the decoded original. Reads without a consumer"
                    + " group and commits nothing; needs bootstrap.servers and schema.registry.url (kafka.* for SASL/SSL)."})
final class ConsumeCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "TOPIC",
            description = "A topic name or alias: delivery-kpi, support-kpi, experience-kpi, route-complaints, "
                    + "perfect-order, alerts, dlq, late-events (or an input: delivery-events, ticket-events, survey-responses).")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the first record (default: at the end, new records only).")
    boolean fromBeginning;

    @Option(names = "--follow", description = "Keep reading new records until Ctrl-C (default: stop at the end"
            + " offsets found at the start).")
    boolean follow;

    @Option(names = "--final-only", description = "Only final KPI records (final=true); records without the field pass.")
    boolean finalOnly;

    @Option(names = "--region", paramLabel = "R", description = "Only records of this region.")
    String region;

    @Option(names = "--window", paramLabel = "hourly|rolling_24h", description = "Only records of this window kind.")
    String window;

    @Option(names = "--format", paramLabel = "json|table", defaultValue = "json",
            description = "json: one JSON object a line (default); table: aligned columns.")
    String format;

    @Option(names = "--max", paramLabel = "N", description = "Stop after printing N records.")
    Long max;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = config.load();
        ConfigLoader.requireConnection(c);
        if (max != null && max < 1) {
            throw refused("--max must be at least 1, not " + max);
        }
        RecordFilter filter = new RecordFilter(finalOnly, region, windowKind());
        boolean table = switch (format.toLowerCase(Locale.ROOT)) {
            case "json" -> false;
            case "table" -> true;
            default -> throw refused("--format must be json or table, not '" + format + "'");
        };
        ConsumedTopic target;
        try {
            target = ConsumedTopic.resolve(topic, c.topics());
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        RecordJson decoder = new RecordJson(target, c.topics(),
                SchemaRegistryClients.forUrl(c.schemaRegistryUrl(), c.schemaRegistryAuth()));
        TableWriter rows = new TableWriter(out);
        long[] printed = {0};
        if (!fromBeginning && !follow) {
            spec.commandLine().getErr().println("lastmile-kpi consume: starting at the end without --follow prints "
                    + "nothing; add --from-beginning or --follow.");
        }
        CountDownLatch done = new CountDownLatch(1);
        try (TopicReader reader = new TopicReader(consumerProperties(c), target.name())) {
            Thread stopper = new Thread(() -> {
                reader.stop();
                awaitQuietly(done);
            }, "lastmile-consume-stop");
            Runtime.getRuntime().addShutdownHook(stopper);
            try {
                reader.read(fromBeginning, follow, record -> {
                    ObjectNode json = decoder.toJson(record);
                    if (filter.test(json)) {
                        if (table) {
                            rows.add(json);
                        } else {
                            out.println(write(json));
                        }
                        printed[0]++;
                    }
                    return max == null || printed[0] < max;
                }, () -> {
                    rows.flush();
                    out.flush();
                });
            } finally {
                done.countDown();
                removeHook(stopper);
            }
        }
        return 0;
    }

    /** The contract's window kind name for --window, or null. */
    private String windowKind() {
        if (window == null) {
            return null;
        }
        return switch (window.toLowerCase(Locale.ROOT)) {
            case "hourly" -> "HOURLY";
            case "rolling_24h", "rolling-24h" -> "ROLLING_24H";
            default -> throw refused("--window must be hourly or rolling_24h, not '" + window + "'");
        };
    }

    /** Connection and security settings, and kafka.consumer.* ones with the prefix removed. */
    private static Properties consumerProperties(PipelineConfig c) {
        Properties p = c.clientProperties();
        c.kafkaProperties().forEach((k, v) -> {
            if (k.startsWith("consumer.")) {
                p.put(k.substring("consumer.".length()), v);
            }
        });
        return p;
    }

    /** A wrong option value: one line and exit code 2, like a wrong setting. */
    private static ConfigException refused(String message) {
        return new ConfigException(message);
    }

    private static String write(ObjectNode json) {
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON node: " + e, e);
        }
    }

    private static void awaitQuietly(CountDownLatch done) {
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running and waits for `done`
        }
    }
}
