package dev.lastmile.kpi.deploy;

import static dev.lastmile.kpi.deploy.DeployFiles.PROMETHEUS;
import static dev.lastmile.kpi.deploy.DeployFiles.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastmile.kpi.avro.AlertKpi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus on the real Prometheus tools: the configuration and the rules load
 * ({@code promtool check config}, {@code promtool check rules}), and the unit tests under
 * deploy/prometheus/tests show every alert firing after its {@code for:} and staying quiet
 * ({@code promtool test rules}). Every alert carries what the on-call needs, and its runbook exists.
 */
class PrometheusRulesTest {

    private static List<Path> ruleTests() throws IOException {
        try (Stream<Path> files = Files.list(PROMETHEUS.resolve("tests"))) {
            return files.filter(p -> p.toString().endsWith(".test.yml")).sorted().toList();
        }
    }

    @Test
    void shouldPassPromtoolCheckConfigWithEveryRuleFile() {
        String out = run("promtool", "check", "config", PROMETHEUS.resolve("prometheus.yml").toString()).succeeded()
                .output();
        assertThat(out).contains(DeployFiles.ruleFiles().size() + " rule files found");
    }

    @Test
    void shouldPassPromtoolCheckRules() {
        List<String> command = new ArrayList<>(List.of("promtool", "check", "rules"));
        DeployFiles.ruleFiles().forEach(p -> command.add(p.toString()));
        run(command.toArray(String[]::new)).succeeded();
    }

    @Test
    void shouldPassPromtoolTestRules() throws IOException {
        List<String> command = new ArrayList<>(List.of("promtool", "test", "rules"));
        ruleTests().forEach(p -> command.add(p.toString()));
        assertThat(command).hasSizeGreaterThan(3);
        assertThat(run(command.toArray(String[]::new)).succeeded().output()).doesNotContain("FAILED");
    }

    @Test
    void shouldShowEveryAlertFiringAndQuietInThePromtoolTests() throws IOException {
        Set<String> fires = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (Path file : ruleTests()) {
            DeployFiles.yaml(file).path("tests").forEach(t -> t.path("alert_rule_test").forEach(c -> {
                String name = c.path("alertname").asText();
                (c.path("exp_alerts").isEmpty() ? quiet : fires).add(name);
            }));
        }
        List<String> alerts = DeployFiles.alertingRules().stream().map(r -> r.path("alert").asText()).toList();
        assertThat(fires).as("alerts shown firing").containsAll(alerts);
        assertThat(quiet).as("alerts shown quiet").containsAll(alerts);
    }

    @Test
    void shouldGiveEveryAlertForSeverityTeamSummaryDescriptionAndAnExistingRunbookSection() throws IOException {
        Set<String> anchors = DeployFiles.anchors(DeployFiles.DEPLOY.resolve("RUNBOOK.md"));
        List<JsonNode> alerts = DeployFiles.alertingRules();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(AlertKpi.values().length + 6);
        for (JsonNode a : alerts) {
            String name = a.path("alert").asText();
            assertThat(a.path("for").asText()).as("%s for:", name).matches("[0-9]+[smh]");
            assertThat(a.path("labels").path("severity").asText()).as("%s severity", name).isIn("critical", "warning");
            assertThat(a.path("labels").path("team").asText()).as("%s team", name)
                    .isIn("operations", "support", "platform");
            assertThat(a.path("labels").path("category").asText()).as("%s category", name).isIn("kpi", "pipeline");
            assertThat(a.path("annotations").path("summary").asText()).as("%s summary", name).isNotBlank();
            assertThat(a.path("annotations").path("description").asText()).as("%s description", name).isNotBlank();
            String runbook = a.path("annotations").path("runbook_url").asText();
            assertThat(runbook).as("%s runbook_url", name).contains("/deploy/RUNBOOK.md#");
            assertThat(anchors).as("%s: RUNBOOK.md has the section %s", name, runbook)
                    .contains(runbook.substring(runbook.indexOf('#') + 1));
        }
    }

    @Test
    void shouldAlertOnEveryContractKpiFromThePipelinesOwnVerdictNeverTheOpenWindow() {
        List<JsonNode> kpiAlerts = DeployFiles.alertingRules().stream()
                .filter(r -> r.path("labels").path("category").asText().equals("kpi")).toList();
        for (AlertKpi kpi : AlertKpi.values()) {
            assertThat(kpiAlerts).as("an alert on %s", kpi).anySatisfy(r -> assertThat(r.path("expr").asText())
                    .contains("lastmile_alert_firing{kpi=\"" + kpi + "\"}").contains("== 1"));
        }
        assertThat(DeployFiles.rules()).allSatisfy(r -> assertThat(r.path("expr").asText())
                .as("open-window gauges (window label) are not for rules").doesNotContain("window="));
    }

    @Test
    void shouldDefineEveryRecordingRuleTheAlertsUse() {
        Set<String> recorded = new HashSet<>();
        DeployFiles.rules().forEach(r -> {
            if (r.has("record")) {
                recorded.add(r.path("record").asText());
            }
        });
        for (JsonNode rule : DeployFiles.rules()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("lastmile:[a-z0-9_:]+")
                    .matcher(rule.path("expr").asText());
            while (m.find()) {
                assertThat(recorded).as("recording rule %s", m.group()).contains(m.group());
            }
        }
    }

    @Test
    void shouldFindTheMetricNamesARuleReads() {
        JsonNode onTime = DeployFiles.alertingRules().stream()
                .filter(r -> r.path("alert").asText().equals("LastmileOnTimeRateBelowTarget")).findFirst().orElseThrow();
        assertThat(DeployFiles.metricNames(onTime)).containsExactlyInAnyOrder("lastmile_alert_firing",
                "lastmile_closed_hour_on_time_ratio", "lastmile_kpi_target");
    }
}
