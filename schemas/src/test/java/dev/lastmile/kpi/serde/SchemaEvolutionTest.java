package dev.lastmile.kpi.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.serde.evolution.ParcelScanV1;
import dev.lastmile.kpi.serde.evolution.ParcelScanV2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A consumer on either version of a schema reads what a producer on the other version wrote. */
class SchemaEvolutionTest {

    private static final String SCOPE = "schema-evolution-test";
    private final SchemaRegistryClient registry = MockSchemaRegistry.forScope(SCOPE);

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldReadV1BytesWithV2FillingTheNewFieldFromItsDefault() {
        byte[] bytes = SpecificAvroSerde.<ParcelScanV1>of(ParcelScanV1.getClassSchema(), registry).serializer()
                .serialize("scans", new ParcelScanV1("p-1", 1250L));

        ParcelScanV2 read = SpecificAvroSerde.<ParcelScanV2>of(ParcelScanV2.getClassSchema(), registry)
                .deserializer().deserialize("scans", bytes);

        assertThat(read.getParcelId()).isEqualTo("p-1");
        assertThat(read.getWeightGrams()).isEqualTo(1250L);
        assertThat(read.getDepot()).isNull();
    }

    @Test
    void shouldReadV2BytesWithV1SkippingTheFieldItDoesNotKnow() {
        byte[] bytes = SpecificAvroSerde.<ParcelScanV2>of(ParcelScanV2.getClassSchema(), registry).serializer()
                .serialize("scans", new ParcelScanV2("p-2", 900L, "depot-east"));

        ParcelScanV1 read = SpecificAvroSerde.<ParcelScanV1>of(ParcelScanV1.getClassSchema(), registry)
                .deserializer().deserialize("scans", bytes);

        assertThat(read).isEqualTo(new ParcelScanV1("p-2", 900L));
    }

    @Test
    void shouldGiveEachVersionItsOwnIdUnderTheSameSubject() {
        SpecificAvroSerde.<ParcelScanV1>of(ParcelScanV1.getClassSchema(), registry).serializer()
                .serialize("scans", new ParcelScanV1("a", 1L));
        byte[] v2 = SpecificAvroSerde.<ParcelScanV2>of(ParcelScanV2.getClassSchema(), registry).serializer()
                .serialize("scans", new ParcelScanV2("b", 2L, null));
        assertThat(ConfluentWireFormat.schemaId(v2, "scans")).isEqualTo(2);
    }
}
