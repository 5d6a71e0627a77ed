package dev.lastmile.kpi.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Pins the bytes on the wire: any change here breaks every consumer of our topics. */
class WireFormatTest {

    /** A registry that hands out one fixed id and remembers what was registered. */
    private static final class FixedIdRegistry implements SchemaRegistryClient {
        final List<String> subjects = new ArrayList<>();
        private final int id;
        private final Schema schema;

        FixedIdRegistry(int id, Schema schema) {
            this.id = id;
            this.schema = schema;
        }

        @Override
        public int register(String subject, Schema s) {
            subjects.add(subject);
            return id;
        }

        @Override
        public Schema schemaById(int requested) {
            assertThat(requested).isEqualTo(id);
            return schema;
        }

        @Override
        public String url() {
            return "fixed://";
        }
    }

    private static DeliveryEvent sample() {
        return DeliveryEvent.newBuilder().setEventId("e1").setDeliveryId("d1").setRouteId("r1").setDriverId("x")
                .setRegion("N").setStatus(DeliveryStatus.DELIVERED).setEventTime(Instant.ofEpochMilli(1000))
                .setPromisedBy(null).setCostCents(5).build();
    }

    // Avro binary written out by hand from the spec: strings are a zig-zag varint length then
    // UTF-8; enums and union branches a zig-zag varint index; longs zig-zag varints.
    private static final byte[] SAMPLE_BODY = {
        0x04, 'e', '1',          // event_id "e1"
        0x04, 'd', '1',          // delivery_id
        0x04, 'r', '1',          // route_id
        0x02, 'x',               // driver_id
        0x02, 'N',               // region
        0x04,                    // status: index 2 (DELIVERED)
        (byte) 0xD0, 0x0F,       // event_time 1000 -> zig-zag 2000 -> varint D0 0F
        0x00,                    // promised_by: union branch 0 (null)
        0x0A                     // cost_cents 5 -> zig-zag 10
    };

    @Test
    void shouldWriteMagicByteBigEndianSchemaIdThenAvroBinary() {
        FixedIdRegistry registry = new FixedIdRegistry(0x01020304, DeliveryEvent.getClassSchema());
        SpecificAvroSerializer<DeliveryEvent> serializer =
                new SpecificAvroSerializer<>(DeliveryEvent.getClassSchema(), registry, false);

        byte[] bytes = serializer.serialize("lastmile.delivery-events", sample());

        byte[] expected = new byte[5 + SAMPLE_BODY.length];
        expected[0] = 0;
        expected[1] = 0x01;
        expected[2] = 0x02;
        expected[3] = 0x03;
        expected[4] = 0x04;
        System.arraycopy(SAMPLE_BODY, 0, expected, 5, SAMPLE_BODY.length);
        assertThat(bytes).containsExactly(expected);
        assertThat(registry.subjects).containsExactly("lastmile.delivery-events-value");
    }

    @Test
    void shouldRegisterKeysUnderTheKeySubject() {
        FixedIdRegistry registry = new FixedIdRegistry(7, DeliveryEvent.getClassSchema());
        new SpecificAvroSerializer<DeliveryEvent>(DeliveryEvent.getClassSchema(), registry, true)
                .serialize("t", sample());
        assertThat(registry.subjects).containsExactly("t-key");
    }

    @Test
    void shouldReadHandWrittenBytes() {
        FixedIdRegistry registry = new FixedIdRegistry(42, DeliveryEvent.getClassSchema());
        byte[] bytes = new byte[5 + SAMPLE_BODY.length];
        bytes[4] = 42;
        System.arraycopy(SAMPLE_BODY, 0, bytes, 5, SAMPLE_BODY.length);

        DeliveryEvent read = new SpecificAvroDeserializer<DeliveryEvent>(DeliveryEvent.getClassSchema(), registry)
                .deserialize("t", bytes);

        assertThat(read).isEqualTo(sample());
    }

    @Test
    void shouldRejectAnUnknownMagicByte() {
        FixedIdRegistry registry = new FixedIdRegistry(1, DeliveryEvent.getClassSchema());
        SpecificAvroDeserializer<DeliveryEvent> deserializer =
                new SpecificAvroDeserializer<>(DeliveryEvent.getClassSchema(), registry);
        assertThatThrownBy(() -> deserializer.deserialize("in", new byte[] {1, 0, 0, 0, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("magic byte 1")
                .hasMessageContaining("in");
        assertThatThrownBy(() -> deserializer.deserialize("in", new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("shorter than the 5-byte");
    }

    @Test
    void shouldFailOnTruncatedBody() {
        FixedIdRegistry registry = new FixedIdRegistry(1, DeliveryEvent.getClassSchema());
        byte[] bytes = {0, 0, 0, 0, 1, 0x04, 'e'};
        assertThatThrownBy(() -> new SpecificAvroDeserializer<DeliveryEvent>(DeliveryEvent.getClassSchema(), registry)
                .deserialize("in", bytes)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("DeliveryEvent");
    }

    @Test
    void shouldShareIdsWithinAMockScopeAndNotAcrossScopes() {
        SchemaRegistryClient a = SchemaRegistryClients.forUrl("mock://wire-test-a", null);
        SchemaRegistryClient sameA = SchemaRegistryClients.forUrl("mock://wire-test-a", null);
        SchemaRegistryClient b = SchemaRegistryClients.forUrl("mock://wire-test-b", null);
        try {
            byte[] bytes = SpecificAvroSerde.<DeliveryEvent>of(DeliveryEvent.getClassSchema(), a).serializer()
                    .serialize("t", sample());
            assertThat(SpecificAvroSerde.<DeliveryEvent>of(DeliveryEvent.getClassSchema(), sameA).deserializer()
                    .deserialize("t", bytes)).isEqualTo(sample());
            assertThatThrownBy(() -> SpecificAvroSerde.<DeliveryEvent>of(DeliveryEvent.getClassSchema(), b)
                    .deserializer().deserialize("t", bytes)).hasMessageContaining("mock://wire-test-b");
        } finally {
            MockSchemaRegistry.dropScope("wire-test-a");
            MockSchemaRegistry.dropScope("wire-test-b");
        }
    }
}
