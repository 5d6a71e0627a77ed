package dev.lastmile.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import dev.lastmile.kpi.serde.SpecificAvroSerde;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The example decodes records as the pipeline writes them: Confluent wire format, schema registered under the topic. */
class DeliveryKpiConsumerTest {

    private static final String TOPIC = "lastmile.kpi.delivery";
    private static final String SCOPE = "downstream-example-test";

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldPrintAFinalRecordWrittenByTheSchemasSerde() {
        byte[] bytes = written(kpi(true));
        assertEquals(0, bytes[0], "Confluent magic byte");

        DeliveryKpi decoded = DeliveryKpiConsumer.values(MockSchemaRegistry.URL_PREFIX + SCOPE).deserialize(TOPIC, bytes);

        assertEquals(kpi(true), decoded);
        assertEquals(Optional.of("north HOURLY 2026-11-02T08:00:00Z deliveries=3 "
                + "on_time_rate=0.6666666666666666 success_rate=1.0 cost_per_delivery_cents=600.0"),
                DeliveryKpiConsumer.line(decoded));
    }

    @Test
    void shouldSkipAnOpenWindowsUpdate() {
        DeliveryKpi decoded = DeliveryKpiConsumer.values(MockSchemaRegistry.URL_PREFIX + SCOPE)
                .deserialize(TOPIC, written(kpi(false)));

        assertTrue(DeliveryKpiConsumer.line(decoded).isEmpty());
    }

    private static byte[] written(DeliveryKpi kpi) {
        return SpecificAvroSerde.<DeliveryKpi>of(DeliveryKpi.getClassSchema(), MockSchemaRegistry.forScope(SCOPE))
                .serializer().serialize(TOPIC, kpi);
    }

    private static DeliveryKpi kpi(boolean fin) {
        Instant start = Instant.parse("2026-11-02T08:00:00Z");
        return DeliveryKpi.newBuilder().setRegion("north").setWindow(WindowKind.HOURLY).setWindowStart(start)
                .setWindowEnd(start.plusSeconds(3600)).setFinal$(fin).setDeliveries(3).setDelivered(3).setFailed(0)
                .setOnTime(2).setLateDelivered(1).setOnTimeRate(2 / 3.0).setSuccessRate(1.0).setAvgDelayMinutes(20.0)
                .setCostCents(1800).setCostPerDeliveryCents(600.0).setCostPerSuccessfulDeliveryCents(600.0).build();
    }
}
