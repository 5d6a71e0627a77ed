package dev.lastmile.example;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.serde.SchemaRegistryClients;
import dev.lastmile.kpi.serde.SpecificAvroDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Prints the final delivery KPIs of lastmile.kpi.delivery, one line each.
 * Arguments: bootstrap servers, schema registry URL (both as the demo's banner prints them), optionally the topic.
 */
public final class DeliveryKpiConsumer {

    public static void main(String[] args) {
        String topic = args.length > 2 ? args[2] : "lastmile.kpi.delivery";
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.length > 0 ? args[0] : "localhost:9092");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "lastmile-downstream-example");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The pipeline writes in transactions (exactly-once): read only what it committed.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Deserializer<DeliveryKpi> values = values(args.length > 1 ? args[1] : "http://localhost:8081");
        try (KafkaConsumer<String, DeliveryKpi> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            while (true) {
                for (ConsumerRecord<String, DeliveryKpi> r : consumer.poll(Duration.ofSeconds(1))) {
                    line(r.value()).ifPresent(System.out::println);
                }
            }
        }
    }

    /** Values: Avro in the Confluent wire format, the writer's schema fetched from the registry by its id. */
    static Deserializer<DeliveryKpi> values(String registryUrl) {
        return new SpecificAvroDeserializer<>(DeliveryKpi.getClassSchema(), SchemaRegistryClients.forUrl(registryUrl, null));
    }

    /** The line printed for a record: only a final one (an open window's updates carry final=false). */
    static Optional<String> line(DeliveryKpi kpi) {
        if (kpi == null || !kpi.getFinal$()) {
            return Optional.empty();
        }
        return Optional.of(kpi.getRegion() + " " + kpi.getWindow() + " " + kpi.getWindowStart()
                + " deliveries=" + kpi.getDeliveries() + " on_time_rate=" + kpi.getOnTimeRate()
                + " success_rate=" + kpi.getSuccessRate() + " cost_per_delivery_cents=" + kpi.getCostPerDeliveryCents());
    }
}
