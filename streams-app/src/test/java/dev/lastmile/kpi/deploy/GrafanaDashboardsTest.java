package dev.lastmile.kpi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastmile.kpi.family.KpiFamilies;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana as Grafana needs it (no Grafana server is installable here): each dashboard is
 * JSON with unique panel ids, grid positions inside 24 columns without overlap, every target with
 * an expression and a refId, units set, and the datasource the provisioning defines by uid; the
 * provider reads the directory docker-compose.yml mounts. Every view the operators use has its
 * dashboard, the region variable filters every per-region series, and units follow the metric. That every query returns data on a real
 * Prometheus scraping a running pipeline is PrometheusRuleMetricsIntegrationTest's job.
 */
class GrafanaDashboardsTest {

    private static final Path GRAFANA = DeployFiles.DEPLOY.resolve("grafana");

    private static JsonNode dashboard(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldLayOutEveryDashboardOnTheGridWithUniqueIdsAndNoOverlap() {
        List<Path> files = DeployFiles.dashboards();
        assertThat(files).hasSizeGreaterThanOrEqualTo(7);
        Set<String> uids = new HashSet<>();
        for (Path file : files) {
            JsonNode d = dashboard(file);
            assertThat(uids.add(d.path("uid").asText())).as("%s uid unique", file).isTrue();
            assertThat(d.path("title").asText()).as("%s title", file).isNotBlank();
            Set<Integer> ids = new HashSet<>();
            List<JsonNode> panels = DeployFiles.panels(d);
            for (JsonNode p : panels) {
                assertThat(ids.add(p.path("id").asInt())).as("%s panel id %s unique", file, p.path("id")).isTrue();
                JsonNode g = p.path("gridPos");
                assertThat(g.path("x").asInt()).as("%s %s x", file, p.path("title")).isBetween(0, 23);
                assertThat(g.path("w").asInt()).isPositive();
                assertThat(g.path("h").asInt()).isPositive();
                assertThat(g.path("x").asInt() + g.path("w").asInt()).as("%s %s inside 24 columns", file, p.path("title"))
                        .isLessThanOrEqualTo(24);
            }
            for (int i = 0; i < panels.size(); i++) {
                for (int j = i + 1; j < panels.size(); j++) {
                    assertThat(overlap(panels.get(i).path("gridPos"), panels.get(j).path("gridPos")))
                            .as("%s: %s and %s overlap", file, panels.get(i).path("title"), panels.get(j).path("title"))
                            .isFalse();
                }
            }
        }
    }

    @Test
    void shouldGiveEveryPanelQueriesWithRefIdsAUnitAndTheProvisionedDatasource() {
        JsonNode datasources = DeployFiles.yaml(GRAFANA.resolve("provisioning").resolve("datasources").resolve("prometheus.yml"));
        String uid = datasources.path("datasources").get(0).path("uid").asText();
        assertThat(uid).isEqualTo("lastmile-prometheus");
        assertThat(datasources.path("datasources").get(0).path("url").asText()).isEqualTo("http://prometheus:9090");
        for (Path file : DeployFiles.dashboards()) {
            JsonNode d = dashboard(file);
            for (JsonNode p : DeployFiles.panels(d)) {
                if (p.path("type").asText().equals("row")) {
                    continue;
                }
                String title = file.getFileName() + ": " + p.path("title").asText();
                assertThat(p.path("datasource").path("uid").asText()).as(title).isEqualTo(uid);
                assertThat(p.path("fieldConfig").path("defaults").path("unit").asText()).as("%s unit", title).isNotBlank();
                assertThat(p.path("targets").size()).as("%s targets", title).isPositive();
                Set<String> refIds = new HashSet<>();
                p.path("targets").forEach(t -> {
                    assertThat(t.path("expr").asText()).as("%s expr", title).isNotBlank();
                    assertThat(refIds.add(t.path("refId").asText())).as("%s refId unique", title).isTrue();
                    assertThat(t.path("datasource").path("uid").asText()).as(title).isEqualTo(uid);
                });
            }
            d.path("templating").path("list").forEach(v -> assertThat(v.path("datasource").path("uid").asText())
                    .as("%s variable %s", file, v.path("name")).isEqualTo(uid));
            // Every $variable a query uses is defined (PrometheusRuleMetricsIntegrationTest fills region and category).
            Set<String> defined = new HashSet<>();
            d.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
            assertThat(defined).as("%s variables", file).isSubsetOf("region", "category");
            for (JsonNode p : DeployFiles.panels(d)) {
                p.path("targets").forEach(t -> {
                    Matcher m = Pattern.compile("\\$(\\w+)").matcher(t.path("expr").asText());
                    while (m.find()) {
                        assertThat(defined).as("%s %s: $%s", file.getFileName(), p.path("title"), m.group(1))
                                .contains(m.group(1));
                    }
                });
            }
        }
    }

    @Test
    void shouldHaveADashboardForEachViewTheOperatorsUse() {
        Set<String> uids = new HashSet<>();
        DeployFiles.dashboards().forEach(f -> uids.add(dashboard(f).path("uid").asText()));
        assertThat(uids).containsExactlyInAnyOrder("lastmile-overview", "lastmile-pipeline", "lastmile-delivery",
                "lastmile-support", "lastmile-experience", "lastmile-route-complaints", "lastmile-alerts");
    }

    /**
     * In a dashboard with the region variable, every selector of a per-region series (KPI gauges,
     * closed-hour gauges, targets, alert verdicts) is filtered by it, so picking a region narrows
     * every panel; and every recording rule a panel reads is defined in deploy/prometheus/rules.
     */
    @Test
    void shouldFilterEveryPerRegionSeriesByTheRegionVariableAndReadOnlyDefinedRecordingRules() {
        Set<String> perRegion = new HashSet<>(List.of("lastmile_alert_firing", "lastmile_kpi_target"));
        KpiFamilies.ALL.forEach(f -> f.gauges().forEach(set -> set.gauges().forEach(g -> {
            perRegion.add(g.name());
            perRegion.add("lastmile_closed_hour_" + g.name().substring("lastmile_".length()));
        })));
        Set<String> recorded = new HashSet<>();
        DeployFiles.rules().forEach(r -> recorded.add(r.path("record").asText()));
        Pattern selector = Pattern.compile("(lastmile_[a-z0-9_]+)(\\{[^}]*})?");
        Pattern recording = Pattern.compile("lastmile:[a-z0-9_:]+");
        int filtered = 0;
        for (Path file : DeployFiles.dashboards()) {
            JsonNode d = dashboard(file);
            boolean hasRegion = false;
            for (JsonNode v : d.path("templating").path("list")) {
                hasRegion |= v.path("name").asText().equals("region");
            }
            for (JsonNode p : DeployFiles.panels(d)) {
                for (JsonNode t : p.path("targets")) {
                    String expr = t.path("expr").asText();
                    Matcher m = selector.matcher(expr);
                    while (hasRegion && m.find()) {
                        if (perRegion.contains(m.group(1))) {
                            filtered++;
                            assertThat(m.group(2)).as("%s %s: %s filtered by $region", file.getFileName(),
                                    p.path("title"), m.group(1)).isNotNull().contains("region=~\"$region\"");
                        }
                    }
                    Matcher r = recording.matcher(expr);
                    while (r.find()) {
                        assertThat(recorded).as("%s %s: recording rule %s", file.getFileName(), p.path("title"),
                                r.group()).contains(r.group());
                    }
                }
            }
        }
        assertThat(filtered).as("per-region selectors seen").isGreaterThan(50);
    }

    /** A time series of ratios is drawn in percent, one of durations in seconds. */
    @Test
    void shouldDrawRatiosInPercentAndDurationsInSeconds() {
        Pattern name = Pattern.compile("lastmile_[a-z0-9_]+");
        int checked = 0;
        for (Path file : DeployFiles.dashboards()) {
            for (JsonNode p : DeployFiles.panels(dashboard(file))) {
                if (!p.path("type").asText().equals("timeseries")) {
                    continue;
                }
                Set<String> names = new HashSet<>();
                p.path("targets").forEach(t -> {
                    Matcher m = name.matcher(t.path("expr").asText());
                    while (m.find()) {
                        names.add(m.group());
                    }
                });
                names.remove("lastmile_kpi_target");
                String unit = p.path("fieldConfig").path("defaults").path("unit").asText();
                String title = file.getFileName() + ": " + p.path("title").asText();
                if (!names.isEmpty() && names.stream().allMatch(n -> n.endsWith("_ratio"))) {
                    checked++;
                    assertThat(unit).as(title).isEqualTo("percentunit");
                } else if (!names.isEmpty() && names.stream().allMatch(n -> n.endsWith("_seconds"))) {
                    checked++;
                    assertThat(unit).as(title).isEqualTo("s");
                }
            }
        }
        assertThat(checked).as("time series of ratios or durations").isGreaterThan(10);
    }

    /**
     * The README's "which panel answers which question" table names real panels: each italic name
     * after "dashboard →" begins the title of a panel of that dashboard.
     */
    @Test
    void shouldNameRealPanelsInTheReadmesQuestionTable() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("**Which panel answers which question**");
        assertThat(start).isPositive();
        List<String> rows = readme.substring(start).lines().skip(1).dropWhile(String::isBlank)
                .takeWhile(l -> l.startsWith("|")).skip(2).toList();
        assertThat(rows).hasSizeGreaterThan(8);
        Pattern part = Pattern.compile("([a-z][a-z -]*?) → (.*?)(?=(?:[;,] )?[a-z][a-z -]*? → |$)");
        Pattern italic = Pattern.compile("\\*([^*]+)\\*");
        int named = 0;
        for (String row : rows) {
            String answer = row.split("\\|")[2].trim();
            Matcher m = part.matcher(answer);
            boolean any = false;
            while (m.find()) {
                any = true;
                Path file = DeployFiles.DASHBOARDS.resolve(m.group(1).trim().replace(' ', '-') + ".json");
                assertThat(file).as("%s: dashboard %s", row, m.group(1)).exists();
                List<String> titles = DeployFiles.panels(dashboard(file)).stream().map(p -> p.path("title").asText())
                        .toList();
                Matcher i = italic.matcher(m.group(2));
                while (i.find()) {
                    String name = i.group(1).replace("…", "").trim();
                    named++;
                    assertThat(titles).as("%s: a panel of %s titled %s...", row, file.getFileName(), name)
                            .anySatisfy(t -> assertThat(t).startsWith(name));
                }
            }
            assertThat(any).as("%s names a dashboard", row).isTrue();
        }
        assertThat(named).isGreaterThan(20);
    }

    @Test
    void shouldProvisionTheDirectoryDockerComposeMounts() {
        JsonNode provider = DeployFiles.yaml(GRAFANA.resolve("provisioning").resolve("dashboards").resolve("lastmile.yml"));
        String path = provider.path("providers").get(0).path("options").path("path").asText();
        JsonNode grafana = DeployFiles.yaml(Path.of("..", "docker-compose.yml")).path("services").path("grafana");
        assertThat(grafana.path("volumes").toString()).contains("./deploy/grafana/dashboards:" + path,
                "./deploy/grafana/provisioning:/etc/grafana/provisioning");
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
    }
}
