package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketChannel;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.avro.TicketEventType;
import dev.lastmile.kpi.deploy.DeployFiles;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.metrics.Registries;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.topology.TopologyOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric name the Prometheus rules (deploy/prometheus/rules) read is one a running pipeline
 * really exports: a pipeline on a real broker closes an hour of deliveries and tickets and fires
 * an on-time alert, and its Prometheus exposition, which passes {@code promtool check metrics},
 * holds each name the rules' expressions and annotation queries use.
 */
@Tag("integration")
@Timeout(300)
class PrometheusRuleMetricsIntegrationTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void shouldExportEveryMetricTheRulesRead(@TempDir Path tmp) throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of())) {
            env.createTopics(3);
            long now = System.currentTimeMillis();
            long hour = now - Math.floorMod(now, HOUR) - 2 * HOUR; // its end + grace has passed
            try (KafkaProducer<String, DeliveryEvent> producer = env.producer(Serdes.String().serializer(),
                    env.topics.deliveryEvents().valueSerde().serializer())) {
                for (int i = 0; i < 40; i++) { // every second delivery late: 0.5 < 0.93, the alert fires
                    long at = hour + i * 60_000L;
                    DeliveryEvent e = DeliveryEvent.newBuilder().setEventId("e" + i).setDeliveryId("d" + i)
                            .setRouteId("north-r" + i % 3).setDriverId("drv").setRegion("north")
                            .setStatus(DeliveryStatus.DELIVERED).setEventTime(Instant.ofEpochMilli(at))
                            .setPromisedBy(Instant.ofEpochMilli(at + (i % 2 == 0 ? -600_000L : 600_000L)))
                            .setCostCents(500).build();
                    producer.send(new ProducerRecord<>(env.topics.deliveryEvents().name(), null, at, e.getDeliveryId(), e));
                }
            }
            try (KafkaProducer<String, TicketEvent> producer = env.producer(Serdes.String().serializer(),
                    env.topics.ticketEvents().valueSerde().serializer())) {
                for (int i = 0; i < 25; i++) { // opened the hour before, resolved in the hour
                    ticket(producer, env, i, TicketEventType.OPENED, hour - HOUR + i * 60_000L);
                    ticket(producer, env, i, TicketEventType.RESOLVED, hour + i * 60_000L);
                }
            }
            PrometheusMeterRegistry registry = Registries.prometheus();
            Map<String, Integer> partitions = new HashMap<>();
            env.config.topics().inputs().forEach(t -> partitions.put(t, 3));
            TopologyOptions options = new TopologyOptions(env.registry, new PipelineMetrics(registry), partitions, false);
            String scrape;
            try (Pipeline pipeline = new Pipeline(env.config, options).start()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
                do {
                    Thread.sleep(500);
                    scrape = registry.scrape();
                } while (System.nanoTime() < deadline && !(scrape.contains("lastmile_closed_hour_first_contact_resolution_ratio{")
                        && scrape.contains("lastmile_alert_firing{kpi=\"ON_TIME_RATE\",region=\"north\"} 1")
                        && scrape.contains("-StreamThread-1-consumer")));
                assertThat(pipeline.failure()).isNull();
            }
            assertThat(scrape).contains("lastmile_alert_firing{kpi=\"ON_TIME_RATE\",region=\"north\"} 1",
                    "lastmile_closed_hour_on_time_ratio{region=\"north\"} 0.5",
                    "lastmile_kpi_target{kpi=\"ON_TIME_RATE\",region=\"north\"} 0.93",
                    "lastmile_streams_client_state{state=\"RUNNING\"} 1");

            Set<String> exported = new TreeSet<>();
            scrape.lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> exported.add(l.split(" ")[2]));
            Set<String> used = new TreeSet<>();
            DeployFiles.rules().forEach(r -> used.addAll(DeployFiles.metricNames(r)));
            used.remove("up"); // made by Prometheus itself
            assertThat(used).as("metric names the rules read").hasSizeGreaterThan(10);
            assertThat(exported).as("names the running pipeline exports").containsAll(used);
            // The lag rule selects the stream threads' consumers by client id.
            assertThat(Pattern.compile("(?m)^kafka_consumer_fetch_manager_records_lag_max\\{client_id=\"[^\"]+"
                    + "-StreamThread-[0-9]+-consumer\"").matcher(scrape).find()).isTrue();

            Path file = tmp.resolve("metrics.txt");
            Files.writeString(file, scrape);
            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                    .redirectErrorStream(true).start();
            String lint = new String(promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(promtool.waitFor()).as("promtool check metrics:%n%s", lint).isZero();
        }
    }

    private static void ticket(KafkaProducer<String, TicketEvent> producer, ItEnvironment env, int i,
                               TicketEventType type, long at) {
        TicketEvent e = TicketEvent.newBuilder().setEventId("t" + i + type).setTicketId("t" + i).setDeliveryId(null)
                .setRegion("north").setCategory(TicketCategory.BILLING).setChannel(TicketChannel.CHAT).setType(type)
                .setEventTime(Instant.ofEpochMilli(at)).setAgentId(null).build();
        producer.send(new ProducerRecord<>(env.topics.ticketEvents().name(), null, at, e.getTicketId(), e));
    }
}
