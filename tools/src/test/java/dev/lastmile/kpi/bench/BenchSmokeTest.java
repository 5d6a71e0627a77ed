package dev.lastmile.kpi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastmile.kpi.tools.ToolsMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} in its shortest form, end to end: every field of the JSON is there, the numbers are
 * positive and the pipeline's finals equal replay's. No timing assertion: targets are judged from a
 * real bench run's output, not in tests on a shared machine.
 */
@Tag("integration")
@Timeout(300)
class BenchSmokeTest {

    private static final List<String> POSITIVE = List.of(
            "/backlog/events", "/backlog/span_hours", "/replay/lines_per_second",
            "/ceiling/events_per_second", "/ceiling/events_per_cpu_second",
            "/ceiling/cold/events_per_second", "/ceiling/warm/events_per_second",
            "/pipeline/events_per_second", "/pipeline/events_per_cpu_second", "/pipeline/ratio_to_ceiling",
            "/pipeline/cpu_ratio_to_ceiling", "/pipeline/seconds", "/pipeline/cpu_seconds",
            "/pipeline/running_after_seconds",
            "/internal/repartition_records_per_event", "/internal/repartition_end_offsets_per_event",
            "/internal/changelog_records_per_event",
            "/memory/heap_peak_bytes", "/memory/rss_peak_bytes", "/memory/state_dir_bytes",
            "/memory/state_bytes_per_million_events",
            "/outputs/lastmile.kpi.delivery/records_per_event_hour",
            "/outputs/lastmile.kpi.delivery/finals_per_event_hour",
            "/outputs/lastmile.kpi.support/records_per_event_hour",
            "/outputs/lastmile.kpi.experience/records_per_event_hour",
            "/outputs/lastmile.kpi.route-complaints/records_per_event_hour",
            "/latency/events", "/latency/p50_ms", "/latency/p99_ms", "/latency/max_ms",
            "/latency/output_records_per_hour/lastmile.kpi.delivery",
            "/correctness/by_topic/lastmile.kpi.delivery/replay_finals");

    @Test
    void shouldMeasureEverythingAndFindTheFinalsEqualToReplay(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        // As a user runs it: a JVM of its own. In the test JVM, after the other integration tests, the live
        // run's finals differed from replay's (~3,000 of 7,632) while every standalone run matched: left open
        // in the issue note, to find what state the shared JVM carries.
        Path log = dir.resolve("bench.log");
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ToolsMain.class.getName(), "bench",
                "--events", "8000", "--partitions", "1", "--latency-rate", "200", "--latency-seconds", "3",
                "--json", json.toString(), "--work-dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int rc = bench.waitFor();
        String out = Files.readString(log);
        String err = out;
        assertThat(rc).as("exit code; stderr:%n%s", err).isZero();
        JsonNode report = new ObjectMapper().readTree(Files.readString(json));
        for (String field : POSITIVE) {
            assertThat(report.at(field).isNumber()).as(field + " in " + report).isTrue();
            assertThat(report.at(field).asDouble()).as(field).isPositive();
        }
        assertThat(report.at("/correctness/passed").asBoolean()).isTrue();
        assertThat(report.at("/correctness/diff_count").asLong()).isZero();
        assertThat(report.at("/pipeline/done").asBoolean()).isTrue();
        assertThat(report.at("/latency/unmatched").asLong()).isZero();
        assertThat(out).contains("| raw ceiling", "| whole pipeline", "finals equal to replay's | yes");
    }
}
