package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.cli.Console;
import dev.lastmile.kpi.cli.Main;
import dev.lastmile.kpi.demo.Demo;
import dev.lastmile.kpi.sim.SimulationSettings;
import java.time.Instant;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a newcomer runs it, checked over real HTTP: health endpoints, KPI gauges and
 * counters on /metrics, and the exposition passing {@code promtool check metrics}.
 */
@Tag("integration")
@Timeout(240)
class DemoIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> await(int port, String path, Predicate<HttpResponse<String>> done,
                                              Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            last = get(port, path);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        return last;
    }

    /**
     * The banner's consume command, as pasted, but stopping at the end (--max instead of --follow): it reads the
     * demo's broker and decodes through the demo's registry over HTTP, in the product's own CLI.
     */
    private static void consumeAsTheBannerSays(String console) {
        String line = console.lines().filter(l -> l.contains("lastmile-kpi.jar consume")).findFirst()
                .orElseThrow(() -> new AssertionError("no consume command in the banner:\n" + console));
        String[] args = line.substring(line.indexOf("lastmile-kpi.jar") + "lastmile-kpi.jar".length()).strip()
                .replace("--follow", "--max 4").split(" +");
        assertThat(args).anyMatch(a -> a.startsWith("schema.registry.url=http://")); // the registry over HTTP
        // The gauges may come from open windows: the first hourly final follows within seconds.
        List<String> rows = List.of();
        for (long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
             rows.size() < 2 && System.nanoTime() < deadline; ) {
            rows = Console.run(Main::execute, args).exitsWith(0).out().lines().toList();
        }
        assertThat(rows).as("header and final KPI rows").hasSizeGreaterThanOrEqualTo(2);
        assertThat(rows.get(0)).startsWith("region").contains("on_time_rate");
        assertThat(rows.subList(1, rows.size())).allSatisfy(r -> assertThat(r).matches("(north|south) .* true .*"));
    }

    @Test
    void shouldServeHealthAndPromtoolCleanKpiMetricsWhileRunningAndCleanUpAfter(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Demo.Options options = new Demo.Options(400, SimulationSettings.defaults(3, Instant.now())
                .withRegions(List.of("north", "south")).withRoutes(4), 600, 0, null, 2);
        int port;
        try (Demo demo = Demo.start(options, Map.of(), new PrintStream(console, true, StandardCharsets.UTF_8))) {
            port = demo.httpPort();
            assertThat(await(port, "/health/ready", r -> r.statusCode() == 200, Duration.ofSeconds(60)).body())
                    .contains("RUNNING");
            HttpResponse<String> live = get(port, "/health/live");
            assertThat(live.statusCode()).isEqualTo(200);

            // At 600x an hourly window closes every 6 s; wait for KPI gauges of both regions.
            HttpResponse<String> metrics = await(port, "/metrics", r -> r.body().contains(
                    "lastmile_on_time_ratio{region=\"south\",window=\"hourly\"}")
                    && r.body().contains("lastmile_deliveries{region=\"north\",window=\"rolling_24h\"}"),
                    Duration.ofSeconds(90));
            String body = metrics.body();
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/plain"));
            assertThat(body).contains("# HELP lastmile_on_time_ratio", "lastmile_records_in_total{topic=\"lastmile.delivery-events\"}",
                    "lastmile_kpi_last_update_timestamp_seconds{kpi=\"delivery\"}", "jvm_memory_used_bytes",
                    "kafka_stream_");
            assertThat(body).doesNotContain("route_id=", "driver_id=");

            Path scrape = tmp.resolve("metrics.txt");
            Files.writeString(scrape, body);
            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectInput(scrape.toFile())
                    .redirectErrorStream(true).start();
            assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String lint = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(promtool.exitValue()).as("promtool check metrics:%n%s", lint).isZero();

            assertThat(console.toString(StandardCharsets.UTF_8)).contains("Kafka broker", "/metrics", "north");
            consumeAsTheBannerSays(console.toString(StandardCharsets.UTF_8));
        }
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("temporary data removed");
        try {
            get(port, "/health/live");
            throw new AssertionError("the HTTP endpoint still answers after the demo stopped");
        } catch (ConnectException expected) {
            // stopped, as it should be
        }
    }
}
