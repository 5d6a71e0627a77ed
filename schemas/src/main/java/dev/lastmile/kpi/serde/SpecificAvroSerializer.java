package dev.lastmile.kpi.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a {@link SpecificRecord} in the Confluent wire format, registering its schema under
 * {@code <topic>-key} or {@code <topic>-value} (Confluent's TopicNameStrategy).
 */
public final class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private SchemaRegistryClient registry;
    private boolean isKey;

    public SpecificAvroSerializer(Schema schema, SchemaRegistryClient registry, boolean isKey) {
        TrustedAvroClasses.trust(schema);
        this.schema = schema;
        this.writer = new SpecificDatumWriter<>(schema);
        this.registry = registry;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = SchemaRegistryClients.fromConfigs(configs);
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new SerializationException("Serializer for " + schema.getFullName() + " has no schema registry: "
                    + "configure " + SchemaRegistryClients.URL_CONFIG);
        }
        int id = registry.register(topic + (isKey ? "-key" : "-value"), schema);
        ByteArrayOutputStream body = new ByteArrayOutputStream(128);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        try {
            writer.write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + schema.getFullName() + " for topic " + topic + ": "
                    + e.getMessage(), e);
        }
        ByteBuffer out = ByteBuffer.allocate(ConfluentWireFormat.HEADER_LENGTH + body.size());
        ConfluentWireFormat.writeHeader(out, id);
        out.put(body.toByteArray());
        return out.array();
    }
}
