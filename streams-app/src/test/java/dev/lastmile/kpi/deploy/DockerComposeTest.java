package dev.lastmile.kpi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and deploy/docker/Dockerfile, as far as this machine can check them without a
 * Docker engine: {@code docker-compose config -q} (compose 1.29) accepts the file, and the pieces
 * fit together — every LASTMILE_* variable is a real setting, Prometheus scrapes the app's service
 * and port and reaches Alertmanager, the rule and Alertmanager files are the ones mounted, the input
 * topics are the pipeline's, the image runs as a non-root user with a readiness HEALTHCHECK and
 * copies what the build produces.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of("..");
    private static final Path COMPOSE = ROOT.resolve("docker-compose.yml");
    private static final Path DOCKERFILE = DeployFiles.DEPLOY.resolve("docker").resolve("Dockerfile");

    private static JsonNode service(String name) {
        JsonNode s = DeployFiles.yaml(COMPOSE).path("services").path(name);
        assertThat(s.isMissingNode()).as("service %s", name).isFalse();
        return s;
    }

    @Test
    void shouldPassDockerComposeConfig() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q").directory(ROOT.toFile())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("docker-compose is not installed: run scripts/install-test-tools.sh", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("docker-compose config -q:%n%s", out).isZero();
    }

    @Test
    void shouldSetOnlyRealSettingsThroughTheEnvironment() throws IOException {
        Set<String> known = Stream.of(Setting.values()).map(s -> "LASTMILE_"
                + s.key().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')).collect(Collectors.toSet());
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("LASTMILE_[A-Z0-9_]+").matcher(Files.readString(COMPOSE) + Files.readString(DOCKERFILE));
        while (m.find()) {
            if (!m.group().endsWith("_")) { // LASTMILE_KAFKA_* in a comment: the prefix, not a setting
                used.add(m.group());
            }
        }
        assertThat(used).contains("LASTMILE_BOOTSTRAP_SERVERS", "LASTMILE_SCHEMA_REGISTRY_URL", "LASTMILE_STATE_DIR");
        assertThat(known).containsAll(used);
    }

    @Test
    void shouldWirePrometheusToTheAppAndAlertmanagerWithTheTestedFiles() {
        JsonNode prometheus = DeployFiles.yaml(DeployFiles.PROMETHEUS.resolve("prometheus.yml"));
        List<String> targets = new ArrayList<>();
        prometheus.path("scrape_configs").forEach(j -> {
            if (j.path("job_name").asText().equals("lastmile-kpi")) {
                j.path("static_configs").forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText())));
            }
        });
        assertThat(targets).containsExactly("lastmile-kpi:8080");
        service("lastmile-kpi");
        assertThat(Pattern.compile("(?m)^EXPOSE 8080$").matcher(read(DOCKERFILE)).find()).isTrue();
        String alertmanager = prometheus.path("alerting").path("alertmanagers").get(0).path("static_configs").get(0)
                .path("targets").get(0).asText();
        assertThat(alertmanager).isEqualTo("alertmanager:9093");
        service("alertmanager");
        assertThat(service("prometheus").path("volumes").toString()).contains("./deploy/prometheus:/etc/prometheus");
        assertThat(service("prometheus").path("command").toString()).contains("/etc/prometheus/prometheus.yml");
        assertThat(service("alertmanager").path("volumes").toString()).contains("./deploy/alertmanager:/etc/alertmanager");
        assertThat(service("alertmanager").path("command").toString()).contains("/etc/alertmanager/alertmanager.yml");
    }

    @Test
    void shouldRunKafkaInKraftWithReplicationOneForExactlyOnceAndCreateThePipelinesInputs() {
        JsonNode env = service("kafka").path("environment");
        assertThat(service("kafka").path("image").asText()).isEqualTo("apache/kafka:4.4.0");
        for (String key : List.of("KAFKA_PROCESS_ROLES", "KAFKA_NODE_ID", "KAFKA_CONTROLLER_QUORUM_VOTERS",
                "KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS", "KAFKA_CONTROLLER_LISTENER_NAMES",
                "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "KAFKA_LOG_DIRS", "CLUSTER_ID")) {
            assertThat(env.path(key).asText()).as(key).isNotBlank();
        }
        assertThat(env.path("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asText()).isEqualTo("1");
        assertThat(env.path("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").asText()).isEqualTo("1");
        assertThat(env.path("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR").asText()).isEqualTo("1");
        assertThat(java.util.Base64.getUrlDecoder().decode(env.path("CLUSTER_ID").asText())).as("CLUSTER_ID").hasSize(16);
        String init = service("kafka-init").path("command").toString();
        ConfigLoader.defaults().load().topics().inputs().forEach(t -> assertThat(init).contains(t));
        assertThat(service("lastmile-kpi").path("depends_on").path("kafka-init").path("condition").asText())
                .isEqualTo("service_completed_successfully");
        assertThat(service("lastmile-kpi").path("depends_on").path("schema-registry").path("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(service("lastmile-kpi").path("environment").path("LASTMILE_SCHEMA_REGISTRY_URL").asText())
                .endsWith("/apis/ccompat/v7");
    }

    @Test
    void shouldBuildANonRootImageWithAReadinessHealthcheckFromWhatThePackagePhaseProduces() {
        String dockerfile = read(DOCKERFILE);
        Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).doesNotStartWith("0").isNotEqualTo("root");
        assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK .*\\n?.*curl -fsS[^\\n]*http://127\\.0\\.0\\.1:8080/health/ready");
        assertThat(dockerfile).contains("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError")
                .containsPattern("(?m)^ENTRYPOINT \\[\"java\"");
        String pom = read(ROOT.resolve("streams-app").resolve("pom.xml"));
        assertThat(pom).contains("<finalName>lastmile-kpi</finalName>", "${project.build.directory}/lib",
                "<classpathPrefix>lib/</classpathPrefix>");
        assertThat(dockerfile).contains("COPY streams-app/target/lastmile-kpi.jar /app/lastmile-kpi.jar",
                "COPY streams-app/target/lib/ /app/lib/", "AS product", "FROM product AS tools",
                "COPY tools/target/lastmile-kpi-tools.jar /app/tools/lastmile-kpi-tools.jar");
        // The product image runs the product; the simulator needs the tools jar (simulate is not in the product).
        assertThat(service("lastmile-kpi").path("build").path("target").asText()).isEqualTo("product");
        assertThat(service("simulator").path("build").path("target").asText()).isEqualTo("tools");
        assertThat(service("simulator").path("command").get(0).asText()).isEqualTo("simulate");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
