package dev.lastmile.kpi.serde;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for one generated Avro class in the Confluent wire format. Either build it with a registry
 * client ({@link #of}) or let Kafka configure it from {@code schema.registry.url}.
 */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;

    public SpecificAvroSerde(Schema schema, SchemaRegistryClient registry, boolean isKey) {
        this.serializer = new SpecificAvroSerializer<>(schema, registry, isKey);
        this.deserializer = new SpecificAvroDeserializer<>(schema, registry);
    }

    /** A value serde for records of {@code schema} (the generated class's {@code getClassSchema()}). */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> of(Schema schema, SchemaRegistryClient registry) {
        return new SpecificAvroSerde<>(schema, registry, false);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
