package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.SurveyKind;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketChannel;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.avro.TicketEventType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastmile.kpi.deploy.DeployFiles;
import dev.lastmile.kpi.http.OpsServer;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.metrics.Registries;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.topology.TopologyOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * holds each name the rules' expressions and annotation queries use. A real Prometheus scraping it
 * loads every rule with health ok, the on-time alert goes off for the region the pipeline judged, and
 * every Grafana panel query of deploy/grafana/dashboards returns data.
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
            try (KafkaProducer<String, SurveyResponse> producer = env.producer(Serdes.String().serializer(),
                    env.topics.surveyResponses().valueSerde().serializer())) {
                for (int i = 0; i < 10; i++) {
                    long at = hour + i * 120_000L;
                    SurveyResponse r = SurveyResponse.newBuilder().setEventId("s" + i).setSurveyId("s" + i)
                            .setRegion("north").setKind(SurveyKind.CSAT).setScore(2 + i % 4).setReasons(List.of())
                            .setEventTime(Instant.ofEpochMilli(at)).build();
                    producer.send(new ProducerRecord<>(env.topics.surveyResponses().name(), null, at, r.getSurveyId(), r));
                }
            }
            PrometheusMeterRegistry registry = Registries.prometheus(env.config.metricsKafkaDetail(), env.config.topics().inputs());
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
                        && scrape.contains("lastmile_csat_ratio{region=\"north\",window=\"rolling_24h\"}")
                        && scrape.contains("-StreamThread-1-consumer")
                        && scrape.contains("kafka_consumer_fetch_manager_records_lag{")));
                assertThat(pipeline.failure()).isNull();
                try (OpsServer http = OpsServer.start("127.0.0.1", 0, registry, pipeline)) {
                    rulesLoadAndTheOnTimeAlertGoesOffOnARealPrometheus(tmp, http.port());
                }
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

            leanByDefault(scrape, env.config.topics().inputs(), 3);

            Path file = tmp.resolve("metrics.txt");
            Files.writeString(file, scrape);
            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                    .redirectErrorStream(true).start();
            String lint = new String(promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(promtool.waitFor()).as("promtool check metrics:%n%s", lint).isZero();
        }
    }

    /**
     * At the default settings (metrics.kafka.detail=false) the exposition is lean: under 1,000 series
     * and 150 KB, and the stream thread's consumer lag has exactly one series per input partition
     * (the consumer also registers each under the topic name with '.' as '_').
     */
    private static void leanByDefault(String scrape, List<String> inputs, int partitions) {
        List<String> series = scrape.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        int bytes = scrape.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        Map<String, Long> byPrefix = new java.util.TreeMap<>();
        series.forEach(l -> byPrefix.merge(l.replaceAll("[{ ].*", "").replaceAll("^([a-z]+_[a-z]+).*", "$1"), 1L, Long::sum));
        System.out.printf("lean /metrics: %d series, %d bytes; by prefix %s%n", series.size(), bytes, byPrefix);
        assertThat(series.size()).as("series at default settings").isLessThan(1_000);
        assertThat(bytes).as("bytes per scrape at default settings").isLessThan(150 * 1024);
        Pattern lag = Pattern.compile("^kafka_consumer_fetch_manager_records_lag\\{(.*)\\} .*");
        Pattern label = Pattern.compile("(partition|topic)=\"([^\"]*)\"");
        List<String> lagged = new ArrayList<>();
        for (String l : series) {
            java.util.regex.Matcher m = lag.matcher(l);
            if (m.matches()) {
                Map<String, String> labels = new HashMap<>();
                java.util.regex.Matcher lm = label.matcher(m.group(1));
                while (lm.find()) {
                    labels.put(lm.group(1), lm.group(2));
                }
                lagged.add(labels.get("topic") + "-" + labels.get("partition"));
            }
        }
        List<String> expected = new ArrayList<>();
        inputs.forEach(t -> {
            for (int p = 0; p < partitions; p++) {
                expected.add(t + "-" + p);
            }
        });
        assertThat(lagged).as("consumer lag series: one per input partition").containsExactlyInAnyOrderElementsOf(expected);
    }

    /**
     * A real Prometheus scraping this pipeline loads every rule file with health ok, and the on-time
     * alert of the region the pipeline judged FIRING goes off (pending: its for: is 1m).
     */
    private static void rulesLoadAndTheOnTimeAlertGoesOffOnARealPrometheus(Path tmp, int appPort) throws Exception {
        try (MonitoringProcess prometheus = MonitoringProcess.prometheus(tmp, appPort, DeployFiles.ruleFiles(), 0)) {
            ObjectMapper json = new ObjectMapper();
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            JsonNode rules = null;
            JsonNode alerts = null;
            boolean done = false;
            while (!done && System.nanoTime() < deadline) {
                Thread.sleep(500);
                rules = prometheus.get("/api/v1/rules");
                alerts = prometheus.get("/api/v1/alerts");
                done = rules != null && alerts != null
                        && alerts.toString().contains("\"alertname\":\"LastmileOnTimeRateBelowTarget\"")
                        && rules.path("data").path("groups").size() == 3;
            }
            assertThat(done).as("Prometheus loaded the rules and the on-time alert went off: %s %s", rules, alerts)
                    .isTrue();
            List<String> unhealthy = new ArrayList<>();
            int count = 0;
            for (JsonNode group : rules.path("data").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    count++;
                    if (!rule.path("health").asText().equals("ok")) {
                        unhealthy.add(rule.path("name").asText() + ": " + rule.path("health").asText() + " "
                                + rule.path("lastError").asText());
                    }
                }
            }
            assertThat(count).isEqualTo(DeployFiles.rules().size());
            assertThat(unhealthy).as("rules whose evaluation failed").isEmpty();
            assertThat(alerts.toString()).contains("\"region\":\"north\"");
            everyDashboardQueryReturnsData(json, http, prometheus.url);
        }
    }

    /**
     * Each panel query of deploy/grafana/dashboards, with $region as Grafana fills it for one region,
     * parses and returns data on the Prometheus scraping the pipeline; so does the region variable's.
     */
    private static void everyDashboardQueryReturnsData(ObjectMapper json, HttpClient http, String prometheus)
            throws Exception {
        List<String> queries = new ArrayList<>();
        for (Path file : DeployFiles.dashboards()) {
            queries.addAll(DeployFiles.panelQueries(json.readTree(file.toFile()), Map.of("region", "north")));
        }
        assertThat(queries).hasSizeGreaterThan(15);
        Map<String, String> empty = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        do {
            empty.clear();
            for (String q : queries) {
                JsonNode answer = json.readTree(http.send(HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query?query="
                        + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8))).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                assertThat(answer.path("status").asText()).as("%s: %s", q, answer).isEqualTo("success");
                if (answer.path("data").path("result").isEmpty()) {
                    empty.put(q, answer.toString());
                }
            }
            if (!empty.isEmpty()) {
                Thread.sleep(1000); // rates need two scrapes, recording rules an evaluation
            }
        } while (!empty.isEmpty() && System.nanoTime() < deadline);
        assertThat(empty).as("dashboard queries without data").isEmpty();
        JsonNode regions = json.readTree(http.send(HttpRequest.newBuilder(URI.create(prometheus
                + "/api/v1/label/region/values?match[]=lastmile_alert_firing")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(regions.path("data").toString()).contains("north");
    }

    private static void ticket(KafkaProducer<String, TicketEvent> producer, ItEnvironment env, int i,
                               TicketEventType type, long at) {
        TicketEvent e = TicketEvent.newBuilder().setEventId("t" + i + type).setTicketId("t" + i).setDeliveryId(null)
                .setRegion("north").setCategory(TicketCategory.BILLING).setChannel(TicketChannel.CHAT).setType(type)
                .setEventTime(Instant.ofEpochMilli(at)).setAgentId(null).build();
        producer.send(new ProducerRecord<>(env.topics.ticketEvents().name(), null, at, e.getTicketId(), e));
    }
}
