package dev.lastmile.kpi.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lean Kafka set by default, everything with metrics.kafka.detail=true. */
class RegistriesTest {

    private static final String CONSUMER = "app-1-StreamThread-1-consumer";

    private static void register(MeterRegistry registry) {
        gauge(registry, "kafka.consumer.fetch.manager.records.lag", "client.id", CONSUMER, "topic", "in.put", "partition", "0");
        gauge(registry, "kafka.consumer.fetch.manager.records.lag", "client.id", CONSUMER, "topic", "in_put", "partition", "0");
        gauge(registry, "kafka.consumer.fetch.manager.records.lag", "client.id", "app-1-StreamThread-1-restore-consumer",
                "topic", "in.put", "partition", "0");
        gauge(registry, "kafka.stream.alive.stream.threads", "client.id", "app-1");
        gauge(registry, "kafka.stream.thread.process.rate", "thread.id", "app-1-StreamThread-1");
        gauge(registry, "kafka.stream.task.process.rate", "thread.id", "app-1-StreamThread-1", "task.id", "0_0");
        gauge(registry, "kafka.stream.state.put.rate", "thread.id", "t", "task.id", "0_0", "rocksdb.state.id", "s");
        gauge(registry, "kafka.producer.record.send.rate", "client.id", "p");
        gauge(registry, "lastmile.deliveries", "region", "north");
    }

    private static void gauge(MeterRegistry registry, String name, String... tags) {
        Gauge.builder(name, () -> 1.0).description("d").tags(tags).register(registry);
    }

    @Test
    void shouldExportOnlyTheOperatorsKafkaMetricsByDefault() {
        PrometheusMeterRegistry registry = Registries.prometheus(false, Set.of("in.put"));
        register(registry);
        String scrape = registry.scrape();
        assertThat(scrape.lines().filter(l -> l.startsWith("kafka_consumer_fetch_manager_records_lag{"))).singleElement()
                .asString().contains("topic=\"in.put\"", CONSUMER);
        assertThat(scrape).contains("kafka_stream_alive_stream_threads{", "kafka_stream_thread_process_rate{",
                "lastmile_deliveries{").doesNotContain("kafka_stream_task_process_rate", "kafka_stream_state_put_rate",
                "kafka_producer_record_send_rate");
    }

    @Test
    void shouldExportEveryKafkaMetricWithDetail() {
        PrometheusMeterRegistry registry = Registries.prometheus(true, Set.of("in.put"));
        register(registry);
        String scrape = registry.scrape();
        assertThat(scrape.lines().filter(l -> l.startsWith("kafka_consumer_fetch_manager_records_lag{"))).hasSize(3);
        assertThat(scrape).contains("kafka_stream_task_process_rate{", "kafka_stream_state_put_rate{",
                "kafka_producer_record_send_rate{", "lastmile_deliveries{");
    }
}
