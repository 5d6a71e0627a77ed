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
 * really exports: a pipeline on a real broker closes an hour of deliveries, tickets, complaints and
 * surveys and fires an on-time alert, and its Prometheus exposition, which passes {@code promtool check
 * metrics}, holds each name the rules' expressions and annotation queries use. A real Prometheus
 * scraping it from before the first input record loads every rule with health ok, the on-time alert
 * goes off for the region the pipeline judged, every Grafana panel query of every dashboard in
 * deploy/grafana/dashboards returns a number (not only NaN), and the alert history counts the one
 * state change the pipeline made.
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
            PrometheusMeterRegistry registry = Registries.prometheus(env.config.metricsKafkaDetail(), env.config.topics().inputs());
            Map<String, Integer> partitions = new HashMap<>();
            env.config.topics().inputs().forEach(t -> partitions.put(t, 3));
            TopologyOptions options = new TopologyOptions(env.registry, new PipelineMetrics(registry), partitions, false);
            String scrape;
            try (Pipeline pipeline = new Pipeline(env.config, options).start();
                 OpsServer http = OpsServer.start("127.0.0.1", 0, registry, pipeline);
                 MonitoringProcess prometheus = MonitoringProcess.prometheus(tmp, http.port(), DeployFiles.ruleFiles(), 0)) {
                // Prometheus has seen the alert counters at 0 before there is any input, so the alert
                // history it shows below is the change the pipeline makes, not a counter born at 1.
                prometheus.await("lastmile_alerts_total{kpi=\"ON_TIME_RATE\",state=\"FIRING\"} == 0");
                produce(env, hour);
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
                rulesLoadAndTheOnTimeAlertGoesOff(prometheus);
                everyDashboardQueryReturnsData(prometheus);
                alertHistoryShowsTheChangeThePipelineMade(prometheus);
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
            assertThat(Pattern.compile("(?m)^kafka_consumer_fetch_manager_records_lag\\{client_id=\"[^\"]+"
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
     * Prometheus loads every rule file with health ok, and the on-time alert of the region the
     * pipeline judged FIRING goes off (pending: its for: is 1m).
     */
    private static void rulesLoadAndTheOnTimeAlertGoesOff(MonitoringProcess prometheus) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode rules = null;
        JsonNode alerts = null;
        boolean done = false;
        while (!done && System.nanoTime() < deadline) {
            Thread.sleep(500);
            rules = prometheus.get("/api/v1/rules");
            alerts = prometheus.get("/api/v1/alerts");
            done = rules != null && alerts != null && alerts.toString().contains("\"alertname\":\"LastmileOnTimeRateBelowTarget\"")
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
    }

    /**
     * Each panel query of deploy/grafana/dashboards, with $region and $category as Grafana fills them for one value,
     * parses and returns a number, not only NaN (a panel would draw nothing); so does the region variable's.
     */
    private static void everyDashboardQueryReturnsData(MonitoringProcess prometheus) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> queries = new ArrayList<>();
        for (Path file : DeployFiles.dashboards()) {
            queries.addAll(DeployFiles.panelQueries(json.readTree(file.toFile()),
                    Map.of("region", "north", "category", "BILLING")));
        }
        assertThat(queries).hasSizeGreaterThan(60);
        Map<String, String> empty = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            empty.clear();
            for (String q : queries) {
                JsonNode answer = prometheus.query(q);
                boolean number = false;
                for (JsonNode series : answer.path("data").path("result")) {
                    number |= !Double.isNaN(Double.parseDouble(series.path("value").get(1).asText()));
                }
                if (!number) {
                    empty.put(q, answer.toString());
                }
            }
            if (!empty.isEmpty()) {
                Thread.sleep(1000); // rates need two scrapes, recording rules an evaluation
            }
        } while (!empty.isEmpty() && System.nanoTime() < deadline);
        assertThat(empty).as("dashboard queries without data or with NaN only").isEmpty();
        JsonNode regions = prometheus.get("/api/v1/label/region/values?match[]=lastmile_alert_firing");
        assertThat(regions.path("data").toString()).contains("north");
    }

    /**
     * The alerts dashboard's history: Prometheus saw the on-time alert's FIRING record counted
     * (lastmile:alert_state_changes:increase1h above 0), and every other KPI and state at 0 (the
     * series exist, so "no change" reads 0, not "No data").
     */
    private static void alertHistoryShowsTheChangeThePipelineMade(MonitoringProcess prometheus) throws Exception {
        prometheus.await("lastmile:alert_state_changes:increase1h{kpi=\"ON_TIME_RATE\",state=\"FIRING\"} > 0");
        JsonNode all = prometheus.query("lastmile:alert_state_changes:increase1h");
        Map<String, Double> byKpiAndState = new java.util.TreeMap<>();
        all.path("data").path("result").forEach(r -> byKpiAndState.put(r.path("metric").path("kpi").asText() + " "
                + r.path("metric").path("state").asText(), Double.parseDouble(r.path("value").get(1).asText())));
        assertThat(byKpiAndState).hasSize(dev.lastmile.kpi.avro.AlertKpi.values().length
                * dev.lastmile.kpi.avro.AlertState.values().length);
        assertThat(byKpiAndState.remove("ON_TIME_RATE FIRING")).as("ON_TIME_RATE FIRING").isPositive();
        assertThat(byKpiAndState).as("the other KPIs and states").allSatisfy((key, value) -> assertThat(value).isZero());
    }

    /**
     * One hour of north's input: 40 deliveries on 3 routes, every second one late (0.5 < 0.93: the
     * on-time alert fires); 25 tickets opened the hour before, answered by an agent and resolved in
     * the hour; complaints about late deliveries of route north-r1 only (so the routes' complaint
     * rates vary and Pearson r is defined); CSAT, NPS and CES responses. Every dashboard panel then
     * has a number to show, not NaN.
     */
    private static void produce(ItEnvironment env, long hour) {
        try (KafkaProducer<String, DeliveryEvent> producer = env.producer(Serdes.String().serializer(),
                env.topics.deliveryEvents().valueSerde().serializer())) {
            for (int i = 0; i < 40; i++) {
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
            for (int i = 0; i < 25; i++) {
                ticket(producer, env, "t" + i, null, TicketCategory.BILLING, TicketEventType.OPENED, hour - HOUR + i * 60_000L);
                ticket(producer, env, "t" + i, null, TicketCategory.BILLING, TicketEventType.AGENT_REPLY,
                        hour - HOUR + i * 60_000L + 300_000L);
                ticket(producer, env, "t" + i, null, TicketCategory.BILLING, TicketEventType.RESOLVED, hour + i * 60_000L);
            }
            for (int d : new int[] {1, 7, 13, 19}) { // late deliveries of north-r1
                ticket(producer, env, "c" + d, "d" + d, TicketCategory.LATE_DELIVERY, TicketEventType.OPENED,
                        hour + 50 * 60_000L + d * 1_000L);
            }
        }
        try (KafkaProducer<String, SurveyResponse> producer = env.producer(Serdes.String().serializer(),
                env.topics.surveyResponses().valueSerde().serializer())) {
            int n = 0;
            for (SurveyKind kind : SurveyKind.values()) {
                for (int i = 0; i < 10; i++, n++) {
                    long at = hour + n * 60_000L;
                    int score = switch (kind) {
                        case CSAT -> 2 + i % 4;
                        case NPS -> i;
                        case CES -> 1 + i % 7;
                    };
                    SurveyResponse r = SurveyResponse.newBuilder().setEventId("s" + n).setSurveyId("s" + n)
                            .setRegion("north").setKind(kind).setScore(score).setReasons(List.of())
                            .setEventTime(Instant.ofEpochMilli(at)).build();
                    producer.send(new ProducerRecord<>(env.topics.surveyResponses().name(), null, at, r.getSurveyId(), r));
                }
            }
        }
    }

    private static void ticket(KafkaProducer<String, TicketEvent> producer, ItEnvironment env, String ticketId,
                               String deliveryId, TicketCategory category, TicketEventType type, long at) {
        TicketEvent e = TicketEvent.newBuilder().setEventId(ticketId + type).setTicketId(ticketId).setDeliveryId(deliveryId)
                .setRegion("north").setCategory(category).setChannel(TicketChannel.CHAT).setType(type)
                .setEventTime(Instant.ofEpochMilli(at)).setAgentId(type == TicketEventType.AGENT_REPLY ? "agent" : null)
                .build();
        producer.send(new ProducerRecord<>(env.topics.ticketEvents().name(), null, at, e.getTicketId(), e));
    }
}
