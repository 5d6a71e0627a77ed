package dev.lastmile.kpi.consume;

import static dev.lastmile.kpi.topology.RecordHeaderNames.DLQ_REASON;
import static dev.lastmile.kpi.topology.RecordHeaderNames.DLQ_REASON_CODE;
import static dev.lastmile.kpi.topology.RecordHeaderNames.LATE_COUNTED_IN_ROLLING;
import static dev.lastmile.kpi.topology.RecordHeaderNames.LATE_KPI;
import static dev.lastmile.kpi.topology.RecordHeaderNames.LATE_REASON;
import static dev.lastmile.kpi.topology.RecordHeaderNames.LATE_WATERMARK;
import static dev.lastmile.kpi.topology.RecordHeaderNames.SOURCE_OFFSET;
import static dev.lastmile.kpi.topology.RecordHeaderNames.SOURCE_PARTITION;
import static dev.lastmile.kpi.topology.RecordHeaderNames.SOURCE_TOPIC;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.config.TopicNames;
import dev.lastmile.kpi.json.JsonAvro;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SchemaRegistryUnavailableException;
import dev.lastmile.kpi.serde.SpecificAvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * One record of a pipeline topic as a JSON object. KPI, alert and input records: {@code topic} and the
 * record's fields, exactly as replay writes them. DLQ and late records: where they are, the reason headers
 * under replay's names ({@code code}, {@code reason}; {@code kpis}, {@code counted_in_rolling}), the source,
 * every header, and the original value decoded with its input topic's schema, or as {@code value_base64}
 * with {@code value_error} when it does not decode (often the reason it is in the DLQ).
 */
public final class RecordJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ConsumedTopic topic;
    private final TopicNames names;
    private final SchemaRegistryClient registry;
    private final Map<String, SpecificAvroDeserializer<SpecificRecord>> decoders = new HashMap<>();

    public RecordJson(ConsumedTopic topic, TopicNames names, SchemaRegistryClient registry) {
        this.topic = topic;
        this.names = names;
        this.registry = registry;
    }

    public ObjectNode toJson(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode out = NODES.objectNode().put("topic", record.topic());
        if (topic.kind() == ConsumedTopic.Kind.RECORDS) {
            try {
                out.setAll(JsonAvro.toJson(decode(topic.schema().orElseThrow(), record.topic(), record.value())));
            } catch (SchemaRegistryUnavailableException e) {
                throw e; // the registry's fault, not the record's: stop rather than print bytes
            } catch (RuntimeException e) {
                // One unreadable record must not hide the rest; say where it is and what it holds.
                out.put("partition", record.partition()).put("offset", record.offset());
                putUndecoded(out, record.value(), e);
            }
            return out;
        }
        out.put("partition", record.partition()).put("offset", record.offset());
        out.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        Headers headers = record.headers();
        if (topic.kind() == ConsumedTopic.Kind.DLQ) {
            out.put("code", header(headers, DLQ_REASON_CODE)).put("reason", header(headers, DLQ_REASON));
        } else {
            out.put("kpis", header(headers, LATE_KPI)).put("reason", header(headers, LATE_REASON))
                    .put("watermark", header(headers, LATE_WATERMARK))
                    .put("counted_in_rolling", header(headers, LATE_COUNTED_IN_ROLLING));
        }
        String source = header(headers, SOURCE_TOPIC);
        out.put("source", source == null ? null
                : source + "/" + header(headers, SOURCE_PARTITION) + "@" + header(headers, SOURCE_OFFSET));
        ObjectNode all = out.putObject("headers");
        for (Header h : headers) {
            all.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        Optional<Schema> schema = source == null ? Optional.empty() : ConsumedTopic.inputSchema(source, names);
        if (record.value() == null) {
            out.putNull("value");
        } else if (schema.isEmpty()) {
            putUndecoded(out, record.value(), null);
        } else {
            try {
                out.set("value", JsonAvro.toJson(decode(schema.get(), source, record.value())));
            } catch (SchemaRegistryUnavailableException e) {
                throw e;
            } catch (RuntimeException e) {
                putUndecoded(out, record.value(), e);
            }
        }
        return out;
    }

    private SpecificRecord decode(Schema schema, String sourceTopic, byte[] value) {
        return decoders.computeIfAbsent(schema.getFullName(), n -> new SpecificAvroDeserializer<>(schema, registry))
                .deserialize(sourceTopic, value);
    }

    private static void putUndecoded(ObjectNode out, byte[] value, RuntimeException why) {
        out.put("value_base64", value == null ? null : Base64.getEncoder().encodeToString(value));
        out.put("value_error", why == null ? "no schema for its source topic" : why.getMessage());
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
