package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.cli.Console;
import dev.lastmile.kpi.cli.Main;
import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.embedded.AccessControl;
import dev.lastmile.kpi.embedded.EmbeddedKafka;
import dev.lastmile.kpi.embedded.EmbeddedSchemaRegistry;
import dev.lastmile.kpi.embedded.SaslScram;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.runtime.TopicSetup;
import dev.lastmile.kpi.topology.RecordHeaderNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production `run` command on a broker that encrypts (TLS), authenticates (SASL/SCRAM-SHA-512)
 * and authorizes (ACLs): with exactly {@link PipelineAcls} it computes correct finals and leaks no password into
 * its log or /metrics; without one of them it stops saying what Kafka denied; a principal without
 * ACLs cannot read the KPI topics.
 */
@Tag("integration")
@Timeout(300)
class SecuredPipelineIntegrationTest {

    private static EmbeddedKafka broker;

    @BeforeAll
    static void startSecuredBroker() {
        broker = EmbeddedKafka.startSecured(new SaslScram("harness", "harness-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldComputeCorrectFinalsWithOnlyItsAclsAndLogNoPassword(@TempDir Path tmp) throws Exception {
        String saslPassword = "sasl-" + UUID.randomUUID();
        String registryPassword = "registry-" + UUID.randomUUID();
        try (SecuredApp app = SecuredApp.create(broker, saslPassword);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(app.env.registry)) {
            AccessControl.grant(broker, PipelineAcls.of(app.principal(), app.env.config));
            ExpectedDeliveryKpis expected = BacklogIntegrationTest.produceBacklog(app.env, 3_000);
            Path log = tmp.resolve("run.log");
            Map<String, String> settings = new HashMap<>(app.login(saslPassword));
            settings.put("schema.registry.basic.auth.user.info", "lastmile:" + registryPassword);
            settings.put("kafka.repartition.purge.interval.ms", "500"); // see the DELETE right used soon
            // Every Kafka client metric, not the lean default: no tag of any of them may carry a secret.
            settings.put("metrics.kafka.detail", "true");
            // Kafka's clients log their whole configuration at INFO: turned on here to see that dump.
            // State under target/: Kafka Streams warns about a state.dir in the OS temp directory.
            Path state = Files.createDirectories(Path.of("target", "secured-" + app.env.id)).toAbsolutePath();
            Process run = app.env.startRunProcess(registry.url(), state, settings, log,
                    List.of("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info"), Map.of());
            String metrics;
            try {
                int port = RunCommandIntegrationTest.awaitPort(log, run);
                List<ConsumerRecord<String, DeliveryKpi>> records = app.env.readUntil(
                        app.env.topics.kpi(KpiFamilies.DELIVERY).name(), Serdes.String().deserializer(),
                        app.env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> ExpectedDeliveryKpis.finals(read).size() >= expected.windows.size(),
                        Duration.ofSeconds(180));
                expected.assertMatches(records);
                // Without DELETE nothing fails: Streams only logs at DEBUG that it could not purge, and
                // repartition topics (retention.ms=-1) grow for ever. So check the purge itself.
                StallIntegrationTest.await("consumed repartition records are purged", Duration.ofSeconds(60),
                        () -> repartitionRecordsPurged(app.env.config.applicationId()));
                metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } finally {
                run.destroy(); // SIGTERM
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("run stops on SIGTERM").isTrue();
            }
            String output = Files.readString(log);
            assertThat(output).as("the clients' configuration dump, passwords hidden")
                    .contains("sasl.jaas.config = [hidden]", "security.protocol = SASL_SSL", "-> RUNNING");
            assertThat(output).doesNotContain(saslPassword, registryPassword);
            assertThat(metrics).contains("kafka_consumer").doesNotContain(saslPassword, registryPassword);
            assertThat(output.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")))
                    .as("WARN and ERROR lines of a run with exactly its ACLs").isEmpty();
        }
    }

    @Test
    void shouldDenyAPrincipalWithoutAclsReadingTheKpiTopics() throws Exception {
        try (SecuredApp app = SecuredApp.create(broker, "unused")) {
            String outsider = "outsider-" + app.env.id;
            AccessControl.addScramUser(broker, outsider, "outsider-password");
            Map<String, Object> p = broker.clientProperties(outsider, "outsider-password");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())) {
                for (String topic : app.env.config.topics().outputs()) {
                    consumer.assign(List.of(new TopicPartition(topic, 0)));
                    assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                            .as("reading " + topic).isInstanceOf(TopicAuthorizationException.class)
                            .hasMessageContaining(topic);
                }
            }
        }
    }

    /**
     * `consume` logs in with the same kafka.* settings as `run` (TLS + SASL/SCRAM) and needs nothing but READ and
     * DESCRIBE on the topic it prints: no consumer group, so no group ACL.
     */
    @Test
    void shouldConsumeADlqWithOnlyReadAndDescribeOnItOverSaslSsl() throws Exception {
        String password = "sasl-" + UUID.randomUUID();
        try (SecuredApp app = SecuredApp.create(broker, password)) {
            String dlq = app.env.config.topics().dlq();
            AccessControl.grant(broker, List.of(AclOperation.READ, AclOperation.DESCRIBE).stream()
                    .map(op -> new AclBinding(new ResourcePattern(ResourceType.TOPIC, dlq, PatternType.LITERAL),
                            new AccessControlEntry(app.principal(), "*", op, AclPermissionType.ALLOW))).toList());
            DeliveryEvent original = BacklogIntegrationTest.event("x1", "north", DeliveryStatus.DELIVERED,
                    Instant.parse("2026-11-02T08:10:00Z"), 5);
            byte[] value = app.env.topics.deliveryEvents().valueSerde().serializer()
                    .serialize(app.env.config.topics().deliveryEvents(), original);
            ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(dlq, null, "d-x1".getBytes(StandardCharsets.UTF_8), value);
            dead.headers().add(RecordHeaderNames.SOURCE_TOPIC, app.env.config.topics().deliveryEvents().getBytes(StandardCharsets.UTF_8))
                    .add(RecordHeaderNames.DLQ_REASON_CODE, "negative_cost".getBytes(StandardCharsets.UTF_8))
                    .add(RecordHeaderNames.DLQ_REASON, "made up for the test".getBytes(StandardCharsets.UTF_8));
            try (KafkaProducer<byte[], byte[]> producer = app.env.producer(Serdes.ByteArray().serializer(),
                    Serdes.ByteArray().serializer())) {
                producer.send(dead).get(30, TimeUnit.SECONDS);
            }
            List<String> args = new ArrayList<>(List.of("consume", "dlq", "--from-beginning"));
            Map<String, String> settings = new HashMap<>(app.env.settings);
            settings.putAll(app.login(password));
            settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
            String out = Console.run(Main::execute, args.toArray(String[]::new)).exitsWith(0).out();
            assertThat(out.lines()).singleElement().satisfies(line -> assertThat(line)
                    .contains("\"code\":\"negative_cost\"", "\"reason\":\"made up for the test\"", "\"event_id\":\"ev-x1\""));
        }
    }

    @Test
    void shouldStopStartUpSayingWhatIsDeniedWhenATopicAclIsMissing() throws Exception {
        String password = "sasl-" + UUID.randomUUID();
        try (SecuredApp app = SecuredApp.create(broker, password)) {
            PipelineConfig login = app.env.configWith(app.login(password));
            assertThatThrownBy(() -> TopicSetup.inputPartitions(login)).as("no ACLs: the inputs are invisible")
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("this principal may not see them", "deploy/kafka-acls.sh");
            String targets = login.topics().kpiTargets();
            AccessControl.grant(broker, PipelineAcls.of(app.principal(), login).stream()
                    .filter(a -> !a.pattern().name().equals(targets)).toList());
            assertThat(TopicSetup.inputPartitions(login)).hasSize(3);
            assertThatThrownBy(() -> TopicSetup.ensureOutputs(login, true))
                    .as("the targets topic looks missing, and creating it is denied")
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("Kafka denied this application's principal", "TopicAuthorizationException");
        }
    }

    @Test
    void shouldStopSayingWhatKafkaDeniedWhenTheTransactionalIdAclIsMissing(@TempDir Path tmp) throws Exception {
        String saslPassword = "sasl-" + UUID.randomUUID();
        try (SecuredApp app = SecuredApp.create(broker, saslPassword);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(app.env.registry)) {
            List<AclBinding> acls = PipelineAcls.of(app.principal(), app.env.config).stream()
                    .filter(a -> a.pattern().resourceType() != org.apache.kafka.common.resource.ResourceType
                            .TRANSACTIONAL_ID).toList();
            AccessControl.grant(broker, acls);
            BacklogIntegrationTest.produceBacklog(app.env, 300);
            Path log = tmp.resolve("run.log");
            // The password through Kafka's EnvVarConfigProvider: it reaches Streams' clients resolved.
            Map<String, String> settings = new HashMap<>(app.login(saslPassword));
            settings.put("kafka.sasl.jaas.config", "${env:IT_SASL_JAAS}");
            settings.put("kafka.config.providers", "env");
            settings.put("kafka.config.providers.env.class",
                    "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
            Process run = app.env.startRunProcess(registry.url(), tmp.resolve("state"), settings, log, List.of(),
                    Map.of("IT_SASL_JAAS", app.login(saslPassword).get("kafka.sasl.jaas.config")));
            boolean stopped = run.waitFor(120, TimeUnit.SECONDS);
            if (!stopped) {
                run.destroy();
                run.waitFor(60, TimeUnit.SECONDS);
            }
            String output = Files.readString(log);
            assertThat(stopped).as("run stopped by itself:\n" + output).isTrue();
            assertThat(run.exitValue()).isEqualTo(1);
            assertThat(output).contains("Kafka denied", "Transactional Id authorization failed",
                    "deploy/kafka-acls.sh").doesNotContain(saslPassword);
        }
    }

    /** True once some partition of the application's repartition topics starts after offset 0. */
    private static boolean repartitionRecordsPurged(String applicationId) {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (TopicDescription d : admin.describeTopics(admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-repartition")).toList())
                    .allTopicNames().get().values()) {
                d.partitions().forEach(p -> earliest.put(new TopicPartition(d.name(), p.partition()),
                        OffsetSpec.earliest()));
            }
            return admin.listOffsets(earliest).all().get().values().stream().anyMatch(o -> o.offset() > 0);
        } catch (ExecutionException e) {
            throw new AssertionError("cannot read repartition offsets", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An isolated environment whose pipeline logs in as its own SCRAM user, topics created by the harness. */
    private record SecuredApp(ItEnvironment env, String user) implements AutoCloseable {

        static SecuredApp create(EmbeddedKafka kafka, String password) throws Exception {
            ItEnvironment env = new ItEnvironment(kafka, Map.of());
            String user = "app-" + env.id;
            AccessControl.addScramUser(kafka, user, password);
            env.createTopics(BacklogIntegrationTest.PARTITIONS);
            return new SecuredApp(env, user);
        }

        String principal() {
            return "User:" + user;
        }

        /** The kafka.* settings an operator writes to log in as this user. */
        Map<String, String> login(String password) {
            Map<String, String> settings = new HashMap<>();
            broker.clientProperties(user, password).forEach((k, v) -> settings.put("kafka." + k, v.toString()));
            settings.remove("kafka.bootstrap.servers");
            return settings;
        }

        @Override
        public void close() throws Exception {
            env.close();
        }
    }
}
