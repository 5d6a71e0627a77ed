package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.lastmile.kpi.avro.KpiAlert;
import dev.lastmile.kpi.deploy.DeployFiles;
import dev.lastmile.kpi.http.OpsServer;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.metrics.Registries;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.sim.KafkaSimulation;
import dev.lastmile.kpi.sim.SimulationSettings;
import dev.lastmile.kpi.topology.TopologyOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's scheduled on-time dip, end to end: the pipeline on a real broker emits FIRING and
 * then RESOLVED for on-time in the dip region on lastmile.kpi.alerts; a real Prometheus with the
 * repo's rules fires LastmileOnTimeRateBelowTarget; a real Alertmanager with
 * deploy/alertmanager/alertmanager.yml delivers it to the operations pager (a webhook here) as
 * firing, and after the dip as resolved. Test copies only speed things up: receivers' URLs point at
 * the webhook, group_wait / group_interval 1s, and the KPI rules' {@code for: 1m} is 5s, since at
 * this speed-up the dip's three simulated hours last 30 seconds.
 */
@Tag("integration")
@Timeout(600)
class AlertDeliveryIntegrationTest {

    /** Simulated seconds per second: a simulated hour every 10 s, the dip (hours 6 to 9) 30 s long. */
    private static final double SPEEDUP = 360;
    private static final String ALERT = "LastmileOnTimeRateBelowTarget";
    private static final Duration BUDGET = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldDeliverTheDipsOnTimeAlertFiringThenResolved(@TempDir Path tmp) throws Exception {
        // Starts a day back on a whole hour: the dip's hours are whole windows, and the simulated clock
        // stays behind the wall clock (the broker refuses timestamps over an hour ahead).
        Instant start = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.HOURS);
        SimulationSettings settings = SimulationSettings.defaults(11, start).withRegions(List.of("north", "south"))
                .withDeliveriesPerHour(120);
        List<JsonNode> notifications = new CopyOnWriteArrayList<>();
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/", exchange -> {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("path", exchange.getRequestURI().getPath());
            notifications.add(body);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of());
             MonitoringProcess alertmanager = MonitoringProcess.alertmanager(tmp,
                     alertmanagerConfig(tmp, webhook.getAddress().getPort()))) {
            env.createTopics(2);
            PrometheusMeterRegistry registry = Registries.prometheus(false, env.config.topics().inputs());
            try (KafkaSimulation simulation = new KafkaSimulation(env.config.clientProperties(), env.topics, settings,
                    SPEEDUP)) {
                // As the demo does: the pipeline judges "now" by how far the simulation has sent.
                simulation.startClock();
                Map<String, Integer> partitions = new HashMap<>();
                env.config.topics().inputs().forEach(t -> partitions.put(t, 2));
                TopologyOptions options = new TopologyOptions(env.registry, new PipelineMetrics(registry), partitions,
                        false).withEventClock(wallMs -> simulation.sentUpTo());
                try (Pipeline pipeline = new Pipeline(env.config, options).start();
                     OpsServer http = OpsServer.start("127.0.0.1", 0, registry, pipeline);
                     MonitoringProcess prometheus = MonitoringProcess.prometheus(tmp, http.port(), ruleCopies(tmp),
                             alertmanager.port())) {
                    Thread simulator = new Thread(simulation, "it-simulator");
                    simulator.setDaemon(true);
                    simulator.start();

                    long began = System.nanoTime();
                    List<JsonNode> firingInPrometheus = new ArrayList<>();
                    await("the operations pager gets the on-time alert of north as firing", () -> {
                        firingInPrometheus.addAll(prometheusFiring(prometheus));
                        return delivered(notifications, "firing");
                    });
                    assertThat(firingInPrometheus).as("Prometheus fired %s for north", ALERT).isNotEmpty();
                    long firedAfter = System.nanoTime() - began;
                    await("the operations pager gets it as resolved", () -> delivered(notifications, "resolved"));
                    System.out.printf("webhook: firing after %d s, resolved after %d s (simulated hour %.1f); "
                            + "%d notifications%n", Duration.ofNanos(firedAfter).toSeconds(),
                            Duration.ofNanos(System.nanoTime() - began).toSeconds(),
                            (simulation.sentUpTo() - start.toEpochMilli()) / 3_600_000.0, notifications.size());
                    assertThat(pipeline.failure()).isNull();
                }
            }
            List<String> alerts = env.readUntil(env.topics.kpiAlerts().name(), Serdes.String().deserializer(),
                    env.topics.kpiAlerts().valueSerde().deserializer(), read -> read.size() >= 2, BUDGET).stream()
                    .map(ConsumerRecord::value).map(AlertDeliveryIntegrationTest::describe).toList();
            // Exactly the dip: FIRING on its first hour, RESOLVED on the first hour after it, nothing else.
            assertThat(alerts).containsExactly(
                    "ON_TIME_RATE north FIRING " + start.plus(settings.dipFrom()),
                    "ON_TIME_RATE north RESOLVED " + start.plus(settings.dipUntil()));
        } finally {
            webhook.stop(0);
        }
        assertThat(notifications).allSatisfy(n -> assertThat(n.path("path").asText()).isEqualTo("/page/operations"));
    }

    /** Alert records as "kpi region state window_start". */
    private static String describe(KpiAlert a) {
        return a.getKpi() + " " + a.getRegion() + " " + a.getState() + " " + a.getWindowStart();
    }

    /** Whether a notification with {@code status} for the on-time alert of north reached the webhook. */
    private static boolean delivered(List<JsonNode> notifications, String status) {
        return notifications.stream().anyMatch(n -> n.path("status").asText().equals(status)
                && n.path("receiver").asText().equals("operations-pager")
                && n.path("alerts").toString().contains("\"alertname\":\"" + ALERT + "\"")
                && n.path("alerts").toString().contains("\"region\":\"north\""));
    }

    private static List<JsonNode> prometheusFiring(MonitoringProcess prometheus) throws Exception {
        JsonNode answer = prometheus.get("/api/v1/alerts");
        List<JsonNode> firing = new ArrayList<>();
        if (answer != null) {
            answer.path("data").path("alerts").forEach(a -> {
                if (a.path("state").asText().equals("firing") && a.path("labels").path("alertname").asText().equals(ALERT)
                        && a.path("labels").path("region").asText().equals("north")) {
                    firing.add(a);
                }
            });
        }
        return firing;
    }

    /** The repo's rules; the KPI alerts' {@code for: 1m} made 5s (the dip lasts 30 s here). */
    private static List<Path> ruleCopies(Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("rules"));
        List<Path> copies = new ArrayList<>();
        for (Path rules : DeployFiles.ruleFiles()) {
            String text = Files.readString(rules);
            if (rules.getFileName().toString().equals("kpi-alerts.yml")) {
                assertThat(text).contains("for: 1m");
                text = text.replace("for: 1m", "for: 5s");
            }
            copies.add(Files.writeString(dir.resolve(rules.getFileName()), text));
        }
        return copies;
    }

    /** deploy/alertmanager/alertmanager.yml with the receivers at the webhook and 1-second grouping. */
    private static Path alertmanagerConfig(Path tmp, int webhookPort) throws IOException {
        String config = Files.readString(DeployFiles.DEPLOY.resolve("alertmanager").resolve("alertmanager.yml"));
        String changed = config.replace("http://alert-relay:9095", "http://127.0.0.1:" + webhookPort)
                .replace("group_wait: 30s", "group_wait: 1s").replace("group_interval: 5m", "group_interval: 1s");
        assertThat(changed).doesNotContain("alert-relay", "group_wait: 30s", "group_interval: 5m");
        return Files.writeString(tmp.resolve("alertmanager.yml"), changed, StandardCharsets.UTF_8);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} every half second until it holds; fails after {@link #BUDGET}. */
    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as("within %s: %s", BUDGET, what).isLessThan(deadline);
            Thread.sleep(500);
        }
    }
}
