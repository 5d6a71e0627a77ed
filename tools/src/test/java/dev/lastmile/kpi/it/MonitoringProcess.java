package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus or Alertmanager (Debian's {@code prometheus}, {@code prometheus-alertmanager};
 * scripts/install-test-tools.sh) on a free local port, its log in the test's directory, stopped on close.
 */
final class MonitoringProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String url;
    private final Process process;

    private MonitoringProcess(String url, Process process) {
        this.url = url;
        this.process = process;
    }

    /**
     * Prometheus scraping {@code 127.0.0.1:appPort} as job {@code lastmile-kpi} every second, evaluating
     * {@code ruleFiles} every second and, if {@code alertmanagerPort} > 0, sending alerts there at once
     * (resend delay 1 s: by default the first notification can wait a minute).
     */
    static MonitoringProcess prometheus(Path dir, int appPort, List<Path> ruleFiles, int alertmanagerPort)
            throws IOException {
        int port = freePort();
        StringBuilder config = new StringBuilder("global: {scrape_interval: 1s, evaluation_interval: 1s}\nrule_files:\n");
        ruleFiles.forEach(f -> config.append("  - ").append(f.toAbsolutePath().normalize()).append('\n'));
        if (alertmanagerPort > 0) {
            config.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"127.0.0.1:")
                    .append(alertmanagerPort).append("\"]\n");
        }
        config.append("scrape_configs:\n  - job_name: lastmile-kpi\n    static_configs:\n      - targets: [\"127.0.0.1:")
                .append(appPort).append("\"]\n");
        Path file = Files.writeString(dir.resolve("prometheus.yml"), config);
        return start("prometheus", port, dir.resolve("prometheus.log"), "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
                "--rules.alert.resend-delay=1s");
    }

    /** Alertmanager with {@code config}, alone (no cluster peers). */
    static MonitoringProcess alertmanager(Path dir, Path config) throws IOException {
        int port = freePort();
        return start("prometheus-alertmanager", port, dir.resolve("alertmanager.log"), "--config.file=" + config,
                "--storage.path=" + Files.createDirectories(dir.resolve("alertmanager-data")),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=",
                "--cluster.advertise-address=127.0.0.1:" + freePort());
    }

    private static MonitoringProcess start(String binary, int port, Path log, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary));
        command.addAll(List.of(flags));
        try {
            return new MonitoringProcess("http://127.0.0.1:" + port, new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        } catch (IOException e) {
            throw new AssertionError(binary + " is not installed: run scripts/install-test-tools.sh", e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    int port() {
        return URI.create(url).getPort();
    }

    /**
     * The JSON answer to a GET of {@code path}, or null while the process is not ready: not listening yet, or
     * answering 503 "Service Unavailable" in plain text while Prometheus opens its TSDB.
     */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException notYet) {
            return null;
        }
        return response.statusCode() == 503 ? null : JSON.readTree(response.body());
    }

    /** An instant query's answer (asserted to parse and succeed); null while Prometheus does not listen yet. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (answer != null) {
            assertThat(answer.path("status").asText()).as("%s: %s", promql, answer).isEqualTo("success");
        }
        return answer;
    }

    /** Polls (at most 60 s) until the query returns a series. */
    void await(String promql) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode answer;
        do {
            Thread.sleep(250);
            answer = query(promql);
        } while ((answer == null || answer.path("data").path("result").isEmpty()) && System.nanoTime() < deadline);
        assertThat(answer).as("Prometheus answers %s", promql).isNotNull();
        assertThat(answer.path("data").path("result")).as("%s: %s", promql, answer).isNotEmpty();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
