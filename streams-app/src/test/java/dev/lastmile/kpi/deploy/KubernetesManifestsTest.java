package dev.lastmile.kpi.deploy;

import static dev.lastmile.kpi.deploy.DeployFiles.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes: every manifest is YAML with apiVersion, kind and metadata.name, and {@code kubectl
 * kustomize} (offline: no API server here, so no schema validation) renders all of them; the
 * StatefulSet's settings load through the app's own configuration loader and agree with its probes,
 * ports and Services; the standby count is one value that the replicas and the disruption budget
 * follow; the PrometheusRule holds exactly the groups of deploy/prometheus/rules; the ServiceMonitor
 * gives the job the rules select.
 */
class KubernetesManifestsTest {

    private static final Path KUBERNETES = DeployFiles.DEPLOY.resolve("kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).filter(p -> !p.endsWith("kustomization.yaml"))
                    .sorted().toList();
        }
    }

    /** Every document of every manifest, by "Kind/name". */
    private static Map<String, JsonNode> resources() throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Path file : manifests()) {
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc == null || doc.isNull() || doc.isEmpty()) {
                        continue;
                    }
                    String key = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
                    assertThat(out.put(key, doc)).as("%s: %s once", file, key).isNull();
                }
            }
        }
        return out;
    }

    private static JsonNode statefulSet() throws IOException {
        return resources().get("StatefulSet/lastmile-kpi");
    }

    private static JsonNode container() throws IOException {
        JsonNode containers = statefulSet().path("spec").path("template").path("spec").path("containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, String> env() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        container().path("env").forEach(e -> {
            assertThat(e.has("value")).as("%s: a literal value (secrets come in as LASTMILE_* from a Secret, "
                    + "see the comment in statefulset.yaml)", e.path("name")).isTrue();
            env.put(e.path("name").asText(), e.path("value").asText());
        });
        return env;
    }

    @Test
    void shouldGiveEveryManifestApiVersionKindAndNameAndRenderThemAllWithKubectlKustomize() throws IOException {
        Map<String, JsonNode> resources = resources();
        assertThat(resources).containsOnlyKeys("StatefulSet/lastmile-kpi", "PodDisruptionBudget/lastmile-kpi",
                "Service/lastmile-kpi-headless", "Service/lastmile-kpi", "ServiceMonitor/lastmile-kpi",
                "PrometheusRule/lastmile-kpi");
        resources.forEach((key, doc) -> {
            assertThat(doc.path("apiVersion").asText()).as("%s apiVersion", key).matches("[a-z0-9.]+(/v[0-9a-z]+)?|v1");
            assertThat(doc.path("metadata").path("labels").path("app.kubernetes.io/name").asText()).as("%s label", key)
                    .isEqualTo("lastmile-kpi");
        });
        JsonNode kustomization = DeployFiles.yaml(KUBERNETES.resolve("kustomization.yaml"));
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        assertThat(listed).as("kustomization.yaml lists every manifest")
                .containsExactlyInAnyOrderElementsOf(manifests().stream().map(p -> p.getFileName().toString()).toList());

        String rendered = run("kubectl", "kustomize", KUBERNETES.toString()).succeeded().output();
        List<String> kinds = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(rendered)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                kinds.add(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText());
            }
        }
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(resources.keySet());
    }

    @Test
    void shouldHoldExactlyTheGroupsOfThePrometheusRuleFiles() throws IOException {
        List<JsonNode> groups = new ArrayList<>();
        DeployFiles.ruleFiles().forEach(f -> DeployFiles.yaml(f).path("groups").forEach(groups::add));
        List<JsonNode> inRule = new ArrayList<>();
        resources().get("PrometheusRule/lastmile-kpi").path("spec").path("groups").forEach(inRule::add);
        assertThat(groups).hasSizeGreaterThanOrEqualTo(3);
        assertThat(inRule).as("PrometheusRule groups; after changing deploy/prometheus/rules run "
                + "deploy/kubernetes/render-prometheusrule.sh").isEqualTo(groups);
    }

    @Test
    void shouldLoadTheStatefulSetsSettingsThroughTheAppsConfigurationAndMatchPortsAndProbes() throws IOException {
        // Unknown LASTMILE_* names and invalid values fail here as they would fail the pod's start-up.
        PipelineConfig config = ConfigLoader.defaults().environment(env()).load();
        JsonNode c = container();
        assertThat(c.path("args").toString()).isEqualTo("[\"run\"]");
        JsonNode ports = c.path("ports");
        assertThat(ports).hasSize(1);
        assertThat(ports.get(0).path("containerPort").asInt()).as("container port = http.port").isEqualTo(config.httpPort());
        String portName = ports.get(0).path("name").asText();
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        assertThat(c.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo(portName);
        assertThat(c.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo(portName);
        // The paths the app serves (OpsServer) and the Dockerfile's HEALTHCHECK reads.
        String ops = Files.readString(Path.of("src/main/java/dev/lastmile/kpi/http/OpsServer.java"));
        assertThat(ops).contains("createContext(\"/health/ready\"", "createContext(\"/health/live\"",
                "createContext(\"/metrics\"");
        assertThat(config.httpBind()).isEqualTo("0.0.0.0");

        // The state dir on the claim of volumeClaimTemplates, as the Dockerfile's volume.
        JsonNode claims = statefulSet().path("spec").path("volumeClaimTemplates");
        assertThat(claims).hasSize(1);
        String claim = claims.get(0).path("metadata").path("name").asText();
        String mount = null;
        for (JsonNode m : c.path("volumeMounts")) {
            if (m.path("name").asText().equals(claim)) {
                mount = m.path("mountPath").asText();
            }
        }
        assertThat(mount).as("the claim's mount").isNotNull();
        assertThat(config.stateDir()).as("state.dir on the claim").startsWith(mount + "/");
        String dockerfile = Files.readString(DeployFiles.DEPLOY.resolve("docker").resolve("Dockerfile"));
        assertThat(dockerfile).contains("VOLUME [\"" + mount + "\"]", "LASTMILE_STATE_DIR=" + config.stateDir());

        // Services: the headless one the StatefulSet names, and both reach the named port.
        Map<String, JsonNode> resources = resources();
        assertThat(statefulSet().path("spec").path("serviceName").asText()).isEqualTo("lastmile-kpi-headless");
        assertThat(resources.get("Service/lastmile-kpi-headless").path("spec").path("clusterIP").asText()).isEqualTo("None");
        for (String service : List.of("Service/lastmile-kpi-headless", "Service/lastmile-kpi")) {
            JsonNode spec = resources.get(service).path("spec");
            assertThat(spec.path("ports").get(0).path("targetPort").asText()).as(service).isEqualTo(portName);
            assertThat(spec.path("ports").get(0).path("port").asInt()).as(service).isEqualTo(config.httpPort());
            assertThat(spec.path("selector")).as(service)
                    .isEqualTo(statefulSet().path("spec").path("selector").path("matchLabels"));
        }
    }

    @Test
    void shouldRunAsTheImagesNonRootUserAndLeaveTimeForACleanClose() throws IOException {
        JsonNode pod = statefulSet().path("spec").path("template").path("spec");
        String dockerfile = Files.readString(DeployFiles.DEPLOY.resolve("docker").resolve("Dockerfile"));
        assertThat(dockerfile).contains("USER 10001:10001");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(10001);
        assertThat(pod.path("securityContext").path("runAsGroup").asInt()).isEqualTo(10001);
        assertThat(pod.path("securityContext").path("fsGroup").asInt()).as("the claim writable by 10001").isEqualTo(10001);
        assertThat(container().path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();

        // Kafka Streams' close timeout in Pipeline.close, plus the HTTP server and the JVM's exit.
        Matcher close = Pattern.compile("streams\\.close\\(Duration\\.ofSeconds\\((\\d+)\\)\\)")
                .matcher(Files.readString(Path.of("src/main/java/dev/lastmile/kpi/runtime/Pipeline.java")));
        assertThat(close.find()).as("Pipeline closes Streams with a timeout").isTrue();
        int grace = pod.path("terminationGracePeriodSeconds").asInt();
        assertThat(grace).as("terminationGracePeriodSeconds").isGreaterThanOrEqualTo(Integer.parseInt(close.group(1)) + 15);
        JsonNode compose = DeployFiles.yaml(Path.of("..", "docker-compose.yml")).path("services").path("lastmile-kpi");
        assertThat(compose.path("stop_grace_period").asText()).as("the same grace as docker-compose.yml")
                .isEqualTo(grace + "s");
    }

    @Test
    void shouldSetTheStandbyReplicasOnceAndSizeReplicasAndTheDisruptionBudgetByIt() throws IOException {
        Map<String, String> env = env();
        List<String> standbySettings = new ArrayList<>();
        for (Path file : manifests()) {
            if (Files.readString(file).toUpperCase(java.util.Locale.ROOT).replace('.', '_').contains("NUM_STANDBY_REPLICAS")) {
                standbySettings.add(file.getFileName().toString());
            }
        }
        assertThat(standbySettings).as("manifests that set the standby count").containsExactly("statefulset.yaml");
        PipelineConfig config = ConfigLoader.defaults().environment(env).load();
        int standbys = Integer.parseInt(String.valueOf(config.streamsProperties().get("num.standby.replicas")));
        assertThat(standbys).as("num.standby.replicas").isPositive();
        int replicas = statefulSet().path("spec").path("replicas").asInt();
        assertThat(replicas).as("replicas: room for every standby on another pod").isGreaterThan(standbys);
        JsonNode pdb = resources().get("PodDisruptionBudget/lastmile-kpi").path("spec");
        assertThat(pdb.path("maxUnavailable").asInt()).as("pods down at once leave a warm copy").isEqualTo(standbys);
        assertThat(pdb.path("selector")).isEqualTo(statefulSet().path("spec").path("selector"));
    }

    @Test
    void shouldScrapeTheMetricsServiceAsTheJobTheRulesSelect() throws IOException {
        Map<String, JsonNode> resources = resources();
        JsonNode monitor = resources.get("ServiceMonitor/lastmile-kpi").path("spec");
        JsonNode metrics = resources.get("Service/lastmile-kpi");
        // Selects the metrics Service only (one scrape per pod, not two).
        List<String> selected = new ArrayList<>();
        resources.forEach((key, doc) -> {
            if (key.startsWith("Service/")) {
                boolean all = true;
                for (var e : monitor.path("selector").path("matchLabels").properties()) {
                    all &= doc.path("metadata").path("labels").path(e.getKey()).asText().equals(e.getValue().asText());
                }
                if (all) {
                    selected.add(key);
                }
            }
        });
        assertThat(selected).containsExactly("Service/lastmile-kpi");
        assertThat(metrics.path("spec").path("publishNotReadyAddresses").asBoolean())
                .as("scraped while not ready (rebalancing, restoring)").isTrue();
        JsonNode endpoint = monitor.path("endpoints").get(0);
        assertThat(endpoint.path("port").asText()).isEqualTo(metrics.path("spec").path("ports").get(0).path("name").asText());
        assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
        // The job label: the value of the Service label jobLabel names (else the Service's name).
        String job = metrics.path("metadata").path("labels").path(monitor.path("jobLabel").asText())
                .asText(metrics.path("metadata").path("name").asText());
        String prometheusJob = DeployFiles.yaml(DeployFiles.PROMETHEUS.resolve("prometheus.yml")).path("scrape_configs")
                .get(0).path("job_name").asText();
        assertThat(job).isEqualTo(prometheusJob).isEqualTo("lastmile-kpi");
        assertThat(DeployFiles.rules().stream().map(r -> r.path("expr").asText()))
                .anySatisfy(e -> assertThat(e).contains("job=\"" + job + "\""));
    }
}
