package dev.lastmile.kpi.deploy;

import static dev.lastmile.kpi.deploy.DeployFiles.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/alertmanager/alertmanager.yml on the real tools: {@code amtool check-config}; every alert of
 * the Prometheus rules routed to its team's pager (critical) or channel (warning) by
 * {@code amtool config routes test}; and a real Alertmanager grouping KPI alerts by region and
 * holding them back while the pipeline is down.
 */
class AlertmanagerConfigTest {

    private static final Path CONFIG = DeployFiles.DEPLOY.resolve("alertmanager").resolve("alertmanager.yml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldPassAmtoolCheckConfig() {
        assertThat(run("amtool", "check-config", CONFIG.toString()).succeeded().output()).contains("SUCCESS");
    }

    @Test
    void shouldRouteEveryAlertOfTheRulesToItsTeamBySeverity() {
        List<JsonNode> alerts = DeployFiles.alertingRules();
        assertThat(alerts).isNotEmpty();
        for (JsonNode rule : alerts) {
            JsonNode labels = rule.path("labels");
            String expected = labels.path("team").asText() + (labels.path("severity").asText().equals("critical")
                    ? "-pager" : "-chat");
            List<String> command = new ArrayList<>(List.of("amtool", "config", "routes", "test",
                    "--config.file=" + CONFIG, "--verify.receivers=" + expected,
                    "alertname=" + rule.path("alert").asText(), "job=lastmile-kpi", "region=north"));
            labels.fields().forEachRemaining(e -> command.add(e.getKey() + "=" + e.getValue().asText()));
            DeployFiles.Result result = run(command.toArray(String[]::new));
            assertThat(result.exit()).as("%s routed to %s: %s", rule.path("alert").asText(), expected, result.output())
                    .isZero();
        }
    }

    @Test
    void shouldSendWhatNoRouteClaimsToThePlatformChannel() {
        run("amtool", "config", "routes", "test", "--config.file=" + CONFIG, "--verify.receivers=platform-chat",
                "alertname=Unknown", "severity=critical").succeeded();
    }

    @Test
    @Timeout(60)
    void shouldGroupKpiAlertsByRegionAndHoldThemBackWhileThePipelineIsDown(@TempDir Path tmp) throws Exception {
        int port;
        int clusterPort;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            port = a.getLocalPort();
            clusterPort = b.getLocalPort();
        }
        Process am;
        try {
            am = new ProcessBuilder("prometheus-alertmanager", "--config.file=" + CONFIG.toAbsolutePath(),
                    "--storage.path=" + tmp, "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=", "--cluster.advertise-address=127.0.0.1:" + clusterPort)
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("alertmanager.log").toFile()).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("prometheus-alertmanager is not installed: run scripts/install-test-tools.sh", e);
        }
        try {
            String base = "http://127.0.0.1:" + port;
            await(() -> get(base + "/-/ready"), r -> r.statusCode() == 200);

            post(base, alert("LastmileFirstContactResolutionBelowTarget", "north", "support", "warning", "kpi", "lastmile-kpi"),
                    alert("LastmileResolutionTimeAboveTarget", "north", "support", "warning", "kpi", "lastmile-kpi"),
                    alert("LastmileResolutionTimeAboveTarget", "south", "support", "warning", "kpi", "lastmile-kpi"));
            JsonNode groups = await(() -> get(base + "/api/v2/alerts/groups"), r -> r.statusCode() == 200
                    && json(r).size() == 2).map(AlertmanagerConfigTest::json).orElseThrow();
            Map<String, Integer> alertsByGroup = new LinkedHashMap<>();
            groups.forEach(g -> alertsByGroup.put(g.path("receiver").path("name").asText() + " " + g.path("labels"),
                    g.path("alerts").size()));
            assertThat(alertsByGroup).containsOnly(Map.entry("support-chat {\"region\":\"north\"}", 2),
                    Map.entry("support-chat {\"region\":\"south\"}", 1));

            // The pipeline goes down: its KPI alerts are held back, another pipeline's are not.
            post(base, alert("LastmileOnTimeRateBelowTarget", "north", "operations", "critical", "kpi", "lastmile-kpi"),
                    alert("LastmileOnTimeRateBelowTarget", "north", "operations", "critical", "kpi", "lastmile-kpi-eu"),
                    alert("LastmileInstanceDown", null, "platform", "critical", "pipeline", "lastmile-kpi"));
            JsonNode all = await(() -> get(base + "/api/v2/alerts"), r -> r.statusCode() == 200
                    && suppressed(json(r)).size() == 4).map(AlertmanagerConfigTest::json).orElseThrow();
            assertThat(suppressed(all)).containsExactlyInAnyOrder(
                    "LastmileFirstContactResolutionBelowTarget/north/lastmile-kpi",
                    "LastmileResolutionTimeAboveTarget/north/lastmile-kpi",
                    "LastmileResolutionTimeAboveTarget/south/lastmile-kpi",
                    "LastmileOnTimeRateBelowTarget/north/lastmile-kpi");
            assertThat(all).hasSize(6);
        } finally {
            am.destroy();
            am.waitFor();
        }
    }

    private static List<String> suppressed(JsonNode alerts) {
        List<String> out = new ArrayList<>();
        alerts.forEach(a -> {
            if (a.path("status").path("state").asText().equals("suppressed")
                    && !a.path("status").path("inhibitedBy").isEmpty()) {
                out.add(a.path("labels").path("alertname").asText() + "/" + a.path("labels").path("region").asText()
                        + "/" + a.path("labels").path("job").asText());
            }
        });
        return out;
    }

    private static ObjectNode alert(String name, String region, String team, String severity, String category,
                                    String job) {
        ObjectNode a = JSON.createObjectNode();
        ObjectNode labels = a.putObject("labels");
        labels.put("alertname", name).put("team", team).put("severity", severity).put("category", category)
                .put("job", job);
        if (region != null) {
            labels.put("region", region);
        } else {
            labels.put("instance", "app-0:8080");
        }
        a.putObject("annotations").put("summary", name);
        a.put("startsAt", Instant.now().toString());
        return a;
    }

    private static void post(String base, ObjectNode... alerts) throws Exception {
        ArrayNode body = JSON.createArrayNode();
        for (ObjectNode a : alerts) {
            body.add(a);
        }
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/alerts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private interface Call {
        HttpResponse<String> get() throws Exception;
    }

    /** Polls (every 200 ms, at most 20 s) until {@code done}; the last answer, which fails the caller's assertion if not done. */
    private static java.util.Optional<HttpResponse<String>> await(Call call, Predicate<HttpResponse<String>> done)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = call.get();
                if (done.test(last)) {
                    return java.util.Optional.of(last);
                }
            } catch (java.net.ConnectException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        return java.util.Optional.ofNullable(last);
    }
}
