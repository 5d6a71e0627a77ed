package dev.lastmile.kpi.it;

import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.config.Setting;
import dev.lastmile.kpi.embedded.EmbeddedKafka;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.family.KpiFamily;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.runtime.TopicSetup;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.topology.TopologyOptions;
import dev.lastmile.kpi.topology.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One isolated pipeline environment on a shared real broker: its own topic names, application
 * id, registry scope and state directory, so integration tests can run side by side.
 */
final class ItEnvironment implements AutoCloseable {

    final String id = UUID.randomUUID().toString().substring(0, 8);
    final String scope = "it-" + id;
    final SchemaRegistryClient registry = MockSchemaRegistry.forScope(scope);
    final Path stateDir;
    final PipelineConfig config;
    final Topics topics;
    /** The settings {@link #config} was built from, for another instance of the same pipeline. */
    final Map<String, String> settings;
    private final EmbeddedKafka kafka;

    ItEnvironment(EmbeddedKafka kafka, Map<String, String> overrides) throws IOException {
        this.kafka = kafka;
        this.stateDir = Files.createTempDirectory("lastmile-it-state-");
        Map<String, String> settings = new HashMap<>();
        for (Setting s : Setting.values()) {
            if (s.key().startsWith("topic.")) {
                settings.put(s.key(), "it-" + id + "." + s.defaultValue());
            }
        }
        for (KpiFamily<?> f : KpiFamilies.ALL) {
            settings.put(f.topicSetting(), "it-" + id + "." + f.defaultTopic());
        }
        settings.put("application.id", "lastmile-it-" + id);
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", "mock://" + scope);
        settings.put("state.dir", stateDir.toString());
        settings.put("commit.interval", "200ms");
        settings.put("http.port", "0"); // an in-process `run` must never hold a fixed port for the JVM
        settings.put("kafka.consumer.session.timeout.ms", "10000");
        settings.putAll(overrides);
        this.settings = Map.copyOf(settings);
        this.config = ConfigLoader.defaults().overrides(settings).load();
        this.topics = Topics.of(config.topics(), registry);
    }

    /** The same pipeline's configuration with some settings changed (e.g. another state.dir). */
    PipelineConfig configWith(Map<String, String> changes) {
        Map<String, String> all = new HashMap<>(settings);
        all.putAll(changes);
        return ConfigLoader.defaults().overrides(all).load();
    }

    /** Options for a pipeline on this environment's topics, each input with {@code partitions} partitions. */
    TopologyOptions options(int partitions) {
        Map<String, Integer> counts = new HashMap<>();
        config.topics().inputs().forEach(t -> counts.put(t, partitions));
        return new TopologyOptions(registry, PipelineMetrics.inMemory(), counts, false);
    }

    /**
     * Runs a pipeline with {@code config} until the delivery KPI topic holds a final record for
     * every window {@code expected} has, and returns what it read; fails if a stream thread failed.
     */
    List<ConsumerRecord<String, DeliveryKpi>> runUntilAllFinals(PipelineConfig pipelineConfig, int partitions,
                                                                ExpectedDeliveryKpis expected) {
        try (Pipeline pipeline = new Pipeline(pipelineConfig, options(partitions)).start()) {
            int wanted = expected.windows.size();
            List<ConsumerRecord<String, DeliveryKpi>> records = readUntil(topics.kpi(KpiFamilies.DELIVERY).name(),
                    Serdes.String().deserializer(), topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                    read -> ExpectedDeliveryKpis.finals(read).size() >= wanted, Duration.ofSeconds(180));
            if (pipeline.failure() != null) {
                throw new AssertionError("the pipeline failed", pipeline.failure());
            }
            return records;
        }
    }

    /**
     * Starts the production {@code run} command of this environment's pipeline in its own JVM,
     * with its output in {@code log}. The registry must be reachable from another process (HTTP).
     */
    Process startRunProcess(String registryUrl, Path stateDirectory, Map<String, String> extra, Path log)
            throws IOException {
        return startRunProcess(registryUrl, stateDirectory, extra, log, List.of(), Map.of());
    }

    /** The product jar the build made (surefire sets lastmile.product.jar); run `mvn package` first. */
    static Path productJar() {
        Path jar = Path.of(System.getProperty("lastmile.product.jar", "../streams-app/target/lastmile-kpi.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with `mvn -B -DskipTests package` (or run"
                    + " the tests with `-am` from the root) before the tools module's integration tests");
        }
        return jar;
    }

    /** As above, with JVM options (e.g. log levels) and environment variables for the process. */
    Process startRunProcess(String registryUrl, Path stateDirectory, Map<String, String> extra, Path log,
                            List<String> jvmOptions, Map<String, String> environment) throws IOException {
        // The product jar alone (its manifest names streams-app/target/lib): `run` as shipped, without the
        // broker and test driver that this module's class path carries.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", productJar().toString()));
        // Kafka Streams warns about a state.dir inside java.io.tmpdir; wherever the checkout and the
        // test's state directory are (a CI clone may live in /tmp), the process gets a temp
        // directory of its own, so a clean run logs no warning about where a test put its state.
        command.add("-Djava.io.tmpdir=" + Files.createTempDirectory("lastmile-run-tmp-"));
        command.addAll(jvmOptions);
        command.addAll(List.of("dev.lastmile.kpi.cli.Main", "run"));
        Map<String, String> all = new java.util.TreeMap<>(settings);
        all.put("schema.registry.url", registryUrl);
        all.put("state.dir", stateDirectory.toString());
        all.put("http.port", "0");
        all.putAll(extra);
        all.forEach((k, v) -> {
            command.add("--set");
            command.add(k + "=" + v);
        });
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** Creates every input with {@code partitions} partitions, and every output topic as `run` would. */
    void createTopics(int partitions) {
        try (Admin admin = kafka.admin()) {
            TopicSetup.createAll(admin, config, partitions, 2);
            keepForever(admin, config.topics().inputs());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the topics of " + id + ": " + e, e);
        }
    }

    /**
     * The tests' backlogs carry event times weeks old as record timestamps: under the broker's
     * default 7-day retention its first retention check (30 s after start) deletes what was not
     * read yet, and a consumer that comes later (a restarted or replacement instance) skips to the
     * log end. Real inputs carry current timestamps; here they must stay until read.
     */
    static void keepForever(Admin admin, Collection<String> topics) throws Exception {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        for (String t : topics) {
            ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(new AlterConfigOp(
                    new ConfigEntry("retention.ms", "-1"), AlterConfigOp.OpType.SET)));
        }
        admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
    }

    <K, V> KafkaProducer<K, V> producer(Serializer<K> keys, Serializer<V> values) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties()); // on a secured broker: the super user
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // One request in flight: a failed first batch can never be overtaken by the next one, which
        // on a just-created topic could leave the producer retrying OUT_OF_ORDER_SEQUENCE.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(p, keys, values);
    }

    /**
     * Reads committed records of {@code topic} from the beginning until {@code done} holds for
     * what was read, or the timeout passes; returns what was read.
     */
    <K, V> List<ConsumerRecord<K, V>> readUntil(String topic, Deserializer<K> keys, Deserializer<V> values,
                                                Predicate<List<ConsumerRecord<K, V>>> done, Duration timeout) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<K, V>> read = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(p, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(read)) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }

    /** Everything committed in {@code topic} right now. */
    <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keys, Deserializer<V> values) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put("isolation.level", "read_committed");
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(p, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<K, V>> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            return read;
        }
    }

    @Override
    public void close() throws IOException {
        MockSchemaRegistry.dropScope(scope);
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
