package dev.lastmile.kpi.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastmile.kpi.avro.AlertKpi;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.KpiAlert;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.Setting;
import dev.lastmile.kpi.config.TopicNames;
import dev.lastmile.kpi.deploy.DeployFiles;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.family.KpiFamily;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.topology.RecordHeaderNames;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml as AsyncAPI tools read it: the real {@code @asyncapi/parser} (with its Avro schema parser,
 * installed into .tools/asyncapi by scripts/install-test-tools.sh) finds no error, every Avro payload compiles,
 * and the document describes exactly the topics in code: a channel per topic at its default name, each
 * referring to the schema file of what is written there, and the DLQ and late headers the pipeline adds.
 */
class AsyncApiDocumentTest {

    private static final Path DOCUMENT = AsyncApiDocument.PATH;
    private static final Path TOOLS = Path.of("..", ".tools", "asyncapi");
    private static final Path VALIDATE = Path.of("..", "scripts", "asyncapi", "validate.cjs");
    private static final Path AVRO = Path.of("..", "schemas", "src", "main", "avro");
    private static final String AVRO_FORMAT = "application/vnd.apache.avro;version=1.9.0";

    private static final JsonNode DOC = AsyncApiDocument.DOC;
    private static final TopicNames TOPICS = ConfigLoader.defaults().load().topics();

    @Test
    void shouldPassTheAsyncApiParserWithoutAnError() {
        assertThat(TOOLS.resolve("node_modules/@asyncapi/parser/package.json"))
                .as("@asyncapi/parser is not installed in .tools/asyncapi: run scripts/install-test-tools.sh").exists();
        String out = DeployFiles.run("node", VALIDATE.toString(), TOOLS.toString(), DOCUMENT.toString()).succeeded()
                .output();
        assertThat(out.lines().filter(l -> l.startsWith("error "))).as("parser errors in%n%s", out).isEmpty();
        int avroPayloads = 3 + KpiFamilies.ALL.size() + 1 + 3; // inputs, KPI families, alerts, late copies of inputs
        assertThat(out).contains("asyncapi: 0 errors").contains(" " + allTopics().size() + " channels,")
                .contains(" " + (avroPayloads + 2) + " Avro schemas compiled"); // + the two shared named types
    }

    @Test
    void shouldHaveAChannelForEveryTopicInCodeAndATopicForEveryChannel() {
        List<String> addresses = new ArrayList<>();
        DOC.path("channels").forEach(c -> addresses.add(c.path("address").asText()));
        assertThat(addresses).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(allTopics());
    }

    @Test
    void shouldNameTheSettingThatRenamesEachChannel() {
        Map<String, String> defaults = new HashMap<>();
        for (Setting s : Setting.values()) {
            if (s.key().startsWith("topic.")) {
                defaults.put(s.key(), s.defaultValue());
            }
        }
        KpiFamilies.ALL.forEach(f -> defaults.put(f.topicSetting(), f.defaultTopic()));
        DOC.path("channels").forEach(c -> assertThat(defaults.get(c.path("x-lastmile-setting").asText()))
                .as("default of the setting %s", c.path("x-lastmile-setting").asText())
                .isEqualTo(c.path("address").asText()));
        assertThat(DOC.path("channels").size()).isEqualTo(defaults.size());
    }

    @Test
    void shouldReferEachChannelToTheSchemaFilesOfWhatIsWrittenThere() throws IOException {
        Map<String, Set<Schema>> expected = new HashMap<>();
        for (KpiFamily<?> f : KpiFamilies.ALL) {
            expected.put(TOPICS.kpi(f), Set.of(f.schema()));
        }
        Set<Schema> inputs = Set.of(DeliveryEvent.getClassSchema(), TicketEvent.getClassSchema(),
                SurveyResponse.getClassSchema());
        expected.put(TOPICS.deliveryEvents(), Set.of(DeliveryEvent.getClassSchema()));
        expected.put(TOPICS.ticketEvents(), Set.of(TicketEvent.getClassSchema()));
        expected.put(TOPICS.surveyResponses(), Set.of(SurveyResponse.getClassSchema()));
        expected.put(TOPICS.lateEvents(), inputs);
        expected.put(TOPICS.kpiAlerts(), Set.of(KpiAlert.getClassSchema()));
        expected.put(TOPICS.dlq(), Set.of());
        expected.put(TOPICS.kpiTargets(), Set.of());

        for (JsonNode channel : DOC.path("channels")) {
            String topic = channel.path("address").asText();
            Set<Schema> referenced = new LinkedHashSet<>();
            for (JsonNode message : channel.path("messages")) {
                JsonNode payload = message.path("payload");
                if (payload.has("schemaFormat")) {
                    assertThat(payload.path("schemaFormat").asText()).as("%s schemaFormat", topic).isEqualTo(AVRO_FORMAT);
                    referenced.add(avsc(payload.path("schema").path("$ref").asText()));
                    assertThat(message.path("bindings").path("kafka").path("schemaIdPayloadEncoding").asText())
                            .as("%s: Confluent wire format", topic).isEqualTo("confluent");
                }
                assertThat(message.path("bindings").path("kafka").path("key").path("description").asText())
                        .as("%s key", topic).isNotBlank();
            }
            // Parsing Canonical Form: what a reader resolves against (the generated classes add avro.java.string).
            assertThat(referenced.stream().map(SchemaNormalization::toParsingForm)).as("schemas of %s", topic)
                    .containsExactlyInAnyOrderElementsOf(expected.get(topic).stream()
                            .map(SchemaNormalization::toParsingForm).toList());
        }
    }

    @Test
    void shouldDescribeEveryHeaderTheDlqAndLateCopiesCarryAndNoOther() throws IOException {
        Set<String> dlq = AsyncApiDocument.headers("dlq").properties().keySet();
        Set<String> late = AsyncApiDocument.headers("lateEvents").properties().keySet();
        Set<String> copies = Set.of(RecordHeaderNames.SOURCE_TOPIC, RecordHeaderNames.SOURCE_PARTITION,
                RecordHeaderNames.SOURCE_OFFSET, RecordHeaderNames.ORIGINAL_TIMESTAMP, RecordHeaderNames.TRUNCATED,
                RecordHeaderNames.ORIGINAL_SIZE, RecordHeaderNames.ORIGINAL_SHA256);
        assertThat(dlq).containsAll(copies).contains(RecordHeaderNames.APPLICATION_ID, RecordHeaderNames.DLQ_REASON,
                RecordHeaderNames.DLQ_REASON_CODE);
        assertThat(late).containsAll(copies).contains(RecordHeaderNames.LATE_KPI, RecordHeaderNames.LATE_WATERMARK,
                RecordHeaderNames.LATE_COUNTED_IN_ROLLING, RecordHeaderNames.LATE_REASON);
        Set<String> inCode = publicHeaderNames();
        assertThat(inCode).containsAll(dlq).containsAll(late);

        List<String> codes = new ArrayList<>();
        AsyncApiDocument.headers("dlq").properties().get(RecordHeaderNames.DLQ_REASON_CODE).path("enum")
                .forEach(c -> codes.add(c.asText()));
        assertThat(codes).containsExactlyElementsOf(PipelineMetrics.DLQ_REASONS);
    }

    @Test
    void shouldNameTheFieldThatTellsFinalsOnEveryKpiMessage() {
        for (KpiFamily<?> f : KpiFamilies.ALL) {
            List<JsonNode> messages = new ArrayList<>();
            DOC.path("channels").forEach(c -> {
                if (c.path("address").asText().equals(TOPICS.kpi(f))) {
                    c.path("messages").forEach(messages::add);
                }
            });
            assertThat(messages).as("messages of %s", TOPICS.kpi(f)).hasSize(1);
            String field = messages.get(0).path("x-lastmile-final-field").asText();
            assertThat(field).isEqualTo("final");
            assertThat(f.schema().getField(field).schema().getType()).isEqualTo(Schema.Type.BOOLEAN);
        }
    }

    @Test
    void shouldNameEveryAlertKpiInTheTargetsKey() {
        String key = DOC.path("channels").path("kpiTargets").path("messages").path("kpiTarget").path("bindings")
                .path("kafka").path("key").path("description").asText();
        for (AlertKpi kpi : AlertKpi.values()) {
            assertThat(key).contains(kpi.name());
        }
    }

    private static List<String> allTopics() {
        List<String> topics = new ArrayList<>(TOPICS.inputs());
        topics.add(TOPICS.kpiTargets());
        topics.addAll(TOPICS.outputs());
        return topics;
    }

    /** An .avsc file the document refers to (relative to docs/), read as the build reads it: shared types first. */
    private static Schema avsc(String ref) throws IOException {
        assertThat(ref).as("$ref").endsWith(".avsc");
        Path file = DOCUMENT.getParent().resolve(ref).normalize();
        assertThat(file).as("%s", ref).exists();
        assertThat(file.toAbsolutePath().normalize()).startsWith(AVRO.toAbsolutePath().normalize());
        Schema.Parser parser = new Schema.Parser();
        List<Path> shared;
        try (var files = Files.list(AVRO.resolve("shared"))) {
            shared = files.sorted().toList();
        }
        for (Path s : shared) {
            if (!Files.isSameFile(s, file)) {
                parser.parse(s.toFile());
            }
        }
        return parser.parse(file.toFile());
    }

    private static Set<String> publicHeaderNames() {
        Set<String> names = new TreeSet<>();
        for (Field f : RecordHeaderNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String value = (String) f.get(null);
                    if (value.startsWith("lastmile.")) {
                        names.add(value);
                    }
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return names;
    }
}
