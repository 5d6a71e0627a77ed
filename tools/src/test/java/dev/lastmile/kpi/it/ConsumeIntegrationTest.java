package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.cli.Console;
import dev.lastmile.kpi.cli.Main;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.json.JsonAvro;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.topology.RecordHeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * `consume` against a real broker and the pipeline's own output: a small history of two regions, one
 * invalid delivery (DLQ) and one that arrives after its hour closed (late). What `consume` prints is compared
 * with the records read directly from the topics and converted by the contract's JSON mapping.
 */
@Tag("integration")
@Timeout(240)
class ConsumeIntegrationTest {

    private static final long HOUR = 3_600_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldPrintWhatTheTopicsHoldDecodedFilteredAndWithTheDlqAndLateReasons() throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of())) {
            env.createTopics(2);
            long now = System.currentTimeMillis();
            long hour = now - Math.floorMod(now, HOUR) - 2 * HOUR; // closed once the gates are caught up
            String deliveries = env.config.topics().deliveryEvents();
            String kpiTopic = env.topics.kpi(KpiFamilies.DELIVERY).name();
            try (Pipeline pipeline = new Pipeline(env.config, env.options(2)).start();
                 KafkaProducer<String, DeliveryEvent> producer = env.producer(Serdes.String().serializer(),
                         env.topics.deliveryEvents().valueSerde().serializer())) {
                for (int i = 0; i < 12; i++) {
                    send(producer, deliveries, event("n" + i, i % 2 == 0 ? "north" : "south", hour + i * 60_000L, 400));
                }
                send(producer, deliveries, event("bad", "north", hour + 30 * 60_000L, -5)); // negative_cost
                producer.flush();
                env.readUntil(kpiTopic, Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY)
                        .valueSerde().deserializer(), read -> hourlyFinals(read, hour) == 2, Duration.ofSeconds(150));
                send(producer, deliveries, event("late", "south", hour + 45 * 60_000L, 400)); // its hour has closed
                producer.flush();
                env.readUntil(env.config.topics().lateEvents(), Serdes.ByteArray().deserializer(),
                        Serdes.ByteArray().deserializer(), read -> !read.isEmpty(), Duration.ofSeconds(60));
                assertThat(pipeline.failure()).isNull();
            }
            // The pipeline is stopped: consume and the direct read see the same records.
            List<String> direct = new ArrayList<>();
            for (ConsumerRecord<String, DeliveryKpi> r : env.readAll(kpiTopic, Serdes.String().deserializer(),
                    env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer())) {
                ObjectNode line = JSON.createObjectNode().put("topic", kpiTopic);
                line.setAll(JsonAvro.toJson(r.value()));
                direct.add(JSON.writeValueAsString(line));
            }
            assertThat(direct).isNotEmpty();

            assertThat(consume(env, "delivery-kpi", "--from-beginning").lines())
                    .containsExactlyInAnyOrderElementsOf(direct);
            List<String> northFinals = direct.stream().filter(l -> l.contains("\"region\":\"north\"")
                    && l.contains("\"final\":true")).toList();
            assertThat(northFinals).as("north's hourly final").isNotEmpty();
            assertThat(consume(env, kpiTopic, "--from-beginning", "--final-only", "--region", "north").lines())
                    .containsExactlyInAnyOrderElementsOf(northFinals);
            assertThat(consume(env, "delivery-kpi", "--from-beginning", "--window", "rolling_24h").lines())
                    .containsExactlyInAnyOrderElementsOf(direct.stream()
                            .filter(l -> l.contains("\"window\":\"ROLLING_24H\"")).toList());
            assertThat(consume(env, "delivery-kpi", "--from-beginning", "--max", "3").lines()).hasSize(3);
            assertThat(consume(env, "delivery-kpi").lines()).as("from the end, not following: nothing").isEmpty();

            List<String> table = consume(env, "delivery-kpi", "--from-beginning", "--final-only", "--window", "hourly",
                    "--format", "table").lines().toList();
            assertThat(table).hasSize(3); // header, north, south
            assertThat(table.get(0)).startsWith("region").contains("window_start", "on_time_rate");
            assertThat(table.get(1).length()).isEqualTo(table.get(2).length()); // aligned
            assertThat(table.subList(1, 3)).anySatisfy(row -> assertThat(row).startsWith("north").contains("HOURLY",
                    "true", Instant.ofEpochMilli(hour).toString()));

            List<ConsumerRecord<byte[], byte[]>> dead = env.readAll(env.config.topics().dlq(),
                    Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
            assertThat(dead).hasSize(1);
            JsonNode dlq = JSON.readTree(consume(env, "dlq", "--from-beginning"));
            assertThat(dlq.get("code").asText()).isEqualTo("negative_cost");
            assertThat(dlq.get("reason").asText()).isEqualTo(header(dead.get(0), RecordHeaderNames.DLQ_REASON));
            assertThat(dlq.get("source").asText()).startsWith(deliveries + "/");
            assertThat(dlq.get("value").get("event_id").asText()).isEqualTo("ev-bad");
            assertThat(dlq.get("value").get("cost_cents").asLong()).isEqualTo(-5);
            assertThat(consume(env, "dlq", "--from-beginning", "--format", "table"))
                    .contains("negative_cost", "ev-bad");

            JsonNode late = JSON.readTree(consume(env, "late-events", "--from-beginning"));
            assertThat(late.get("kpis").asText()).contains("delivery-kpi");
            assertThat(late.get("counted_in_rolling").asText()).contains("true");
            assertThat(late.get("value").get("event_id").asText()).isEqualTo("ev-late");
            assertThat(consume(env, "late-events", "--from-beginning", "--region", "north")).isEmpty();
        }
    }

    /** What `consume` printed, with this environment's cluster settings; fails unless it exits 0. */
    private static String consume(ItEnvironment env, String... args) {
        List<String> all = new ArrayList<>(List.of("consume"));
        all.addAll(List.of(args));
        env.settings.forEach((k, v) -> all.addAll(List.of("--set", k + "=" + v)));
        return Console.run(Main::execute, all.toArray(String[]::new)).exitsWith(0).out();
    }

    private static long hourlyFinals(List<ConsumerRecord<String, DeliveryKpi>> read, long hour) {
        return read.stream().map(ConsumerRecord::value).filter(k -> k.getFinal$()
                && k.getWindow().name().equals("HOURLY") && k.getWindowStart().toEpochMilli() == hour).count();
    }

    private static DeliveryEvent event(String id, String region, long time, long costCents) {
        Instant t = Instant.ofEpochMilli(time);
        return DeliveryEvent.newBuilder().setEventId("ev-" + id).setDeliveryId("d-" + id).setRouteId(region + "-r1")
                .setDriverId("drv-1").setRegion(region).setStatus(DeliveryStatus.DELIVERED).setEventTime(t)
                .setPromisedBy(t.plus(Duration.ofMinutes(10))).setCostCents(costCents).build();
    }

    private static void send(KafkaProducer<String, DeliveryEvent> producer, String topic, DeliveryEvent e) {
        producer.send(new ProducerRecord<>(topic, null, e.getEventTime().toEpochMilli(), e.getDeliveryId(), e));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
