package dev.lastmile.kpi.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into a {@link SpecificRecord}, resolving the writer's schema
 * (fetched by id) against the reader's, so fields added or removed with defaults read fine.
 *
 * <p>Bad bytes (wrong magic byte, too short, a schema id the registry does not know, Avro that
 * does not read) fail with a {@link SerializationException}: the record is to blame. A registry
 * that cannot answer fails with {@link SchemaRegistryUnavailableException}, unwrapped: the
 * record is not to blame and must be read again later.
 */
public final class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;

    public SpecificAvroDeserializer(Schema readerSchema, SchemaRegistryClient registry) {
        TrustedAvroClasses.trust(readerSchema);
        this.readerSchema = readerSchema;
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = SchemaRegistryClients.fromConfigs(configs);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new SerializationException("Deserializer for " + readerSchema.getFullName()
                    + " has no schema registry: configure " + SchemaRegistryClients.URL_CONFIG);
        }
        int id = ConfluentWireFormat.schemaId(data, topic);
        SpecificDatumReader<T> reader = readersByWriterId.get(id);
        if (reader == null) {
            // Fetched outside the map: a slow or failing registry must not block other ids' lookups.
            reader = readerFor(id);
            readersByWriterId.putIfAbsent(id, reader);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentWireFormat.HEADER_LENGTH,
                data.length - ConfluentWireFormat.HEADER_LENGTH, null);
        try {
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot decode " + readerSchema.getName() + " (writer schema id " + id
                    + ") from topic " + topic + ": " + e, e);
        }
    }

    private SpecificDatumReader<T> readerFor(int writerId) {
        Schema writerSchema = registry.schemaById(writerId);
        return new SpecificDatumReader<>(writerSchema, readerSchema, SpecificData.getForSchema(readerSchema));
    }
}
