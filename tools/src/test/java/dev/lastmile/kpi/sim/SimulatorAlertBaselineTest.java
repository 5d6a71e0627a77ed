package dev.lastmile.kpi.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.replay.ReplayRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator never pages outside its dip, judged by the pipeline's own alert logic: `replay` of
 * simulated multi-day histories (several seeds, the default rate and the demo's) emits exactly two
 * alert records, FIRING for on-time in the dip region on the first dip hour and RESOLVED on the
 * first hour after it, at the hours the settings schedule and the README states.
 */
class SimulatorAlertBaselineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-02T00:00:00Z");
    private static final List<String> REGIONS = List.of("north", "south");
    /** The demo's default: 200 events/s at 120x over 4 regions (Demo.simulationSettings). */
    private static final double DEMO_DELIVERIES_PER_HOUR = 200 * 3600 / 120.0 / Simulator.EVENTS_PER_DELIVERY / 4;

    @Test
    void shouldFireOnlyForTheDipAtTheDefaultRate(@TempDir Path tmp) throws IOException {
        for (long seed : new long[] {1, 2, 3}) {
            SimulationSettings settings = SimulationSettings.defaults(seed, START).withRegions(REGIONS);
            List<JsonNode> out = replay(tmp.resolve("h" + seed), settings, Duration.ofHours(30));
            assertThat(alerts(out)).as("seed %d", seed).containsExactlyElementsOf(dipAlerts(settings));
            // The baseline was judged: most closed hours have the alerts' minimum of deliveries.
            assertThat(judgedHours(out, "lastmile.kpi.delivery", "deliveries")).as("seed %d", seed)
                    .isGreaterThan(REGIONS.size() * 25);
        }
    }

    @Test
    void shouldFireOnlyForTheDipAtTheDemosRate(@TempDir Path tmp) throws IOException {
        SimulationSettings settings = SimulationSettings.defaults(5, START).withRegions(REGIONS)
                .withDeliveriesPerHour(DEMO_DELIVERIES_PER_HOUR);
        List<JsonNode> out = replay(tmp.resolve("demo"), settings, Duration.ofHours(11));
        assertThat(alerts(out)).containsExactlyElementsOf(dipAlerts(settings));
        // At this rate support KPIs (first-contact resolution, resolution time) are judged too.
        assertThat(judgedHours(out, "lastmile.kpi.support", "resolved")).isGreaterThan(3);
    }

    @Test
    void shouldScheduleTheDipAtTheHoursTheReadmeStates() throws IOException {
        Matcher stated = Pattern.compile("on-time rate dips\\s+below the 0\\.93 target from simulated hour (\\d+) to (\\d+)")
                .matcher(Files.readString(Path.of("..", "README.md")));
        assertThat(stated.find()).as("the README states the dip's hours").isTrue();
        SimulationSettings defaults = SimulationSettings.defaults(1, START);
        assertThat(Duration.ofHours(Long.parseLong(stated.group(1)))).isEqualTo(defaults.dipFrom());
        assertThat(Duration.ofHours(Long.parseLong(stated.group(2)))).isEqualTo(defaults.dipUntil());
        assertThat(stated.group()).endsWith(SimulationSettings.DEFAULT_DIP_HOURS);
    }

    /**
     * What the schedule implies, with the start on a whole hour: FIRING on the window that starts
     * at dipFrom, RESOLVED on the one that starts at dipUntil; "kpi region state window_start".
     */
    private static List<String> dipAlerts(SimulationSettings s) {
        return List.of("ON_TIME_RATE " + s.dipRegion() + " FIRING " + s.start().plus(s.dipFrom()),
                "ON_TIME_RATE " + s.dipRegion() + " RESOLVED " + s.start().plus(s.dipUntil()));
    }

    /** Replays a simulated history of {@code span}; every output record as JSON (PredictedBreachMeasurementTest too). */
    static List<JsonNode> replay(Path dir, SimulationSettings settings, Duration span) throws IOException {
        Files.createDirectories(dir);
        Path history = dir.resolve("history.jsonl");
        Path output = dir.resolve("kpis.jsonl");
        JsonLinesHistory.write(settings, span, history);
        PipelineConfig config = ConfigLoader.defaults().load();
        new ReplayRunner(config, START.plus(Duration.ofDays(30)), new PrintWriter(new StringWriter()))
                .run(history, output);
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static List<String> alerts(List<JsonNode> out) {
        return out.stream().filter(r -> r.path("topic").asText().equals("lastmile.kpi.alerts"))
                .map(r -> r.path("kpi").asText() + " " + r.path("region").asText() + " " + r.path("state").asText()
                        + " " + r.path("window_start").asText())
                .toList();
    }

    /** Final hourly region records whose sample size the alerts judge (at least alert.min.samples). */
    private static long judgedHours(List<JsonNode> out, String topic, String samples) {
        int min = ConfigLoader.defaults().load().alertMinSamples();
        return out.stream().filter(r -> r.path("topic").asText().equals(topic) && r.path("window").asText().equals("HOURLY")
                && (r.path("category").isNull() || r.path("category").isMissingNode()) && r.path(samples).asLong() >= min).count();
    }
}
