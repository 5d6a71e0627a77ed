package dev.lastmile.kpi.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.TopicNames;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SpecificAvroSerde;
import dev.lastmile.kpi.topology.RecordHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

    private static final String SCOPE = "record-json-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistryClient registry = MockSchemaRegistry.forScope(SCOPE);
    private final TopicNames names = ConfigLoader.defaults().load().topics();

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.dropScope(SCOPE);
    }

    @Test
    void shouldPrintAKpiRecordWithTheTopicAndTheFieldsAsReplayWritesThem() throws Exception {
        DeliveryKpi kpi = DeliveryKpi.newBuilder().setRegion("north").setWindow(WindowKind.HOURLY)
                .setWindowStart(Instant.parse("2026-11-02T08:00:00Z")).setWindowEnd(Instant.parse("2026-11-02T09:00:00Z"))
                .setFinal$(true).setDeliveries(3).setDelivered(3).setFailed(0).setOnTime(2).setLateDelivered(1)
                .setOnTimeRate(2 / 3.0).setSuccessRate(1.0).setAvgDelayMinutes(20.0).setCostCents(1800)
                .setCostPerDeliveryCents(600.0).setCostPerSuccessfulDeliveryCents(600.0).build();
        byte[] value = SpecificAvroSerde.of(DeliveryKpi.getClassSchema(), registry).serializer()
                .serialize("lastmile.kpi.delivery", kpi);
        ObjectNode json = new RecordJson(ConsumedTopic.resolve("delivery-kpi", names), names, registry)
                .toJson(record("lastmile.kpi.delivery", value, new RecordHeaders()));
        // The README's example line of replay's output, to the character.
        assertThat(JSON.writeValueAsString(json)).isEqualTo("{\"topic\":\"lastmile.kpi.delivery\",\"region\":\"north\","
                + "\"window\":\"HOURLY\",\"window_start\":\"2026-11-02T08:00:00Z\",\"window_end\":\"2026-11-02T09:00:00Z\","
                + "\"final\":true,\"deliveries\":3,\"delivered\":3,\"failed\":0,\"on_time\":2,\"late_delivered\":1,"
                + "\"on_time_rate\":0.6666666666666666,\"success_rate\":1.0,\"avg_delay_minutes\":20.0,\"cost_cents\":1800,"
                + "\"cost_per_delivery_cents\":600.0,\"cost_per_successful_delivery_cents\":600.0}");
    }

    @Test
    void shouldPrintTheDlqReasonsBesideTheDecodedOriginal() {
        DeliveryEvent event = DeliveryEvent.newBuilder().setEventId("e1").setDeliveryId("d1").setRouteId("n-1")
                .setDriverId("x1").setRegion("north").setStatus(DeliveryStatus.DELIVERED)
                .setEventTime(Instant.parse("2026-11-02T08:10:00Z")).setPromisedBy(Instant.parse("2026-11-02T08:30:00Z"))
                .setCostCents(-5).build();
        byte[] value = SpecificAvroSerde.of(DeliveryEvent.getClassSchema(), registry).serializer()
                .serialize(names.deliveryEvents(), event);
        ObjectNode json = new RecordJson(ConsumedTopic.resolve("dlq", names), names, registry)
                .toJson(record(names.dlq(), value, dlqHeaders("negative_cost", "cost_cents -5 is negative")));
        assertThat(json.get("code").asText()).isEqualTo("negative_cost");
        assertThat(json.get("reason").asText()).isEqualTo("cost_cents -5 is negative");
        assertThat(json.get("source").asText()).isEqualTo(names.deliveryEvents() + "/2@41");
        assertThat(json.get("key").asText()).isEqualTo("d1");
        assertThat(json.get("headers").get(RecordHeaderNames.DLQ_REASON_CODE).asText()).isEqualTo("negative_cost");
        assertThat(json.get("value").get("cost_cents").asLong()).isEqualTo(-5);
        assertThat(json.get("value").get("event_time").asText()).isEqualTo("2026-11-02T08:10:00Z");
        assertThat(RecordFilter.ALL.test(json)).isTrue();
        assertThat(new RecordFilter(false, "north", null).test(json)).as("region of the original").isTrue();
        assertThat(new RecordFilter(false, "south", null).test(json)).isFalse();
    }

    @Test
    void shouldShowAnUndecodableOriginalAsBase64WithTheReason() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        ObjectNode json = new RecordJson(ConsumedTopic.resolve("dlq", names), names, registry)
                .toJson(record(names.dlq(), garbage, dlqHeaders("undecodable", "not the wire format")));
        assertThat(json.has("value")).isFalse();
        assertThat(Base64.getDecoder().decode(json.get("value_base64").asText())).isEqualTo(garbage);
        assertThat(json.get("value_error").asText()).contains("magic byte");
    }

    @Test
    void shouldFilterByFinalRegionAndWindow() throws Exception {
        ObjectNode open = (ObjectNode) JSON.readTree("{\"topic\":\"t\",\"region\":\"north\",\"window\":\"HOURLY\",\"final\":false}");
        ObjectNode alert = (ObjectNode) JSON.readTree("{\"topic\":\"t\",\"kpi\":\"on_time_rate\",\"region\":\"north\"}");
        assertThat(new RecordFilter(true, null, null).test(open)).isFalse();
        assertThat(new RecordFilter(true, null, null).test(alert)).as("no final field: passes, as in replay").isTrue();
        assertThat(new RecordFilter(false, "north", "HOURLY").test(open)).isTrue();
        assertThat(new RecordFilter(false, null, "ROLLING_24H").test(open)).isFalse();
        assertThat(new RecordFilter(false, null, "HOURLY").test(alert)).as("no window field").isFalse();
    }

    @Test
    void shouldResolveAliasesAndConfiguredNamesAndNameEveryAliasOtherwise() {
        assertThat(ConsumedTopic.resolve("alerts", names).name()).isEqualTo(names.kpiAlerts());
        assertThat(ConsumedTopic.resolve(names.lateEvents(), names).kind()).isEqualTo(ConsumedTopic.Kind.LATE);
        assertThat(ConsumedTopic.resolve("perfect-order", names).schema()).isNotEqualTo(Optional.empty());
        assertThatThrownBy(() -> ConsumedTopic.resolve("lastmile.nope", names))
                .hasMessageContaining("delivery-kpi, support-kpi, experience-kpi, route-complaints, perfect-order, "
                        + "alerts, dlq, late-events");
    }

    private RecordHeaders dlqHeaders(String code, String reason) {
        RecordHeaders h = new RecordHeaders();
        h.add(RecordHeaderNames.SOURCE_TOPIC, names.deliveryEvents().getBytes(StandardCharsets.UTF_8));
        h.add(RecordHeaderNames.SOURCE_PARTITION, "2".getBytes(StandardCharsets.UTF_8));
        h.add(RecordHeaderNames.SOURCE_OFFSET, "41".getBytes(StandardCharsets.UTF_8));
        h.add(RecordHeaderNames.DLQ_REASON_CODE, code.getBytes(StandardCharsets.UTF_8));
        h.add(RecordHeaderNames.DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
        return h;
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>(topic, 0, 7, 0L, TimestampType.CREATE_TIME, 2, value.length,
                "d1".getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty());
    }
}
