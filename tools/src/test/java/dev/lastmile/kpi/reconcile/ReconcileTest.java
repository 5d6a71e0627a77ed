package dev.lastmile.kpi.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.tools.ToolsMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's replay and the independent recomputation side by side, no broker: on the sample and a
 * simulated multi-day history they agree on every record; a tampered finals file is caught record by
 * record; rejected lines are left out through the DLQ file and late records explain what they change.
 */
class ReconcileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SAMPLE = Path.of("..", "examples", "sample-history.jsonl");
    private static final String WALL_CLOCK = "2030-01-01T00:00:00Z";

    @TempDir
    static Path dir;
    private static Path sampleKpis;

    private record Run(int exit, String out, JsonNode report) {
    }

    @BeforeAll
    static void replaySample() {
        sampleKpis = dir.resolve("sample-kpis.jsonl");
        replay(SAMPLE, sampleKpis);
    }

    @Test
    void shouldMatchEveryFinalRecordOfTheSampleReplay() throws Exception {
        Run run = reconcile("--input", SAMPLE.toString(), "--kpis", sampleKpis.toString());

        assertThat(run.exit()).as(run.out()).isZero();
        assertAllMatched(run, Files.readAllLines(sampleKpis).size());
        long rejected = Files.readAllLines(dir.resolve("sample-kpis.dlq.jsonl")).size();
        assertThat(rejected).isPositive();
        assertThat(run.out()).contains(rejected + " rejected by the pipeline left out");
    }

    @Test
    void shouldMatchEveryFinalRecordOfASimulatedMultiDayReplay() throws Exception {
        Path history = dir.resolve("sim.jsonl");
        Path kpis = dir.resolve("sim-kpis.jsonl");
        assertThat(tools("simulate", "--hours", "50", "--deliveries-per-hour", "6", "--regions", "north,south",
                "--routes", "4", "--seed", "5", "--output", history.toString())).isZero();
        replay(history, kpis);

        Run run = reconcile("--input", history.toString(), "--kpis", kpis.toString());

        assertThat(run.exit()).as(run.out()).isZero();
        long alerts = Files.readAllLines(kpis).stream().filter(l -> l.contains("\"lastmile.kpi.alerts\"")).count();
        assertAllMatched(run, Files.readAllLines(kpis).size() - alerts);
        String finals = Files.readString(kpis); // pearson_r and hotspots were recomputed too
        assertThat(finals).containsPattern("\"pearson_r\":-?[0-9]").contains("\"hotspots\":[\"");
    }

    @Test
    void shouldNameExactlyTheTamperedTheDroppedAndTheAddedRecord() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(sampleKpis));
        int tampered = indexOf(lines, "\"lastmile.kpi.delivery\"", 40);
        ObjectNode changed = (ObjectNode) JSON.readTree(lines.get(tampered));
        changed.put("on_time", changed.get("on_time").asLong() + 1);
        lines.set(tampered, changed.toString());
        int dropped = indexOf(lines, "\"lastmile.kpi.support\"", 25);
        JsonNode droppedRecord = JSON.readTree(lines.remove(dropped));
        ObjectNode added = (ObjectNode) JSON.readTree(lines.get(indexOf(lines, "\"lastmile.kpi.experience\"", 3)));
        added.put("region", "atlantis");
        lines.add(added.toString());
        Path kpis = dir.resolve("tampered.jsonl");
        Files.write(kpis, lines);

        Run run = reconcile("--input", SAMPLE.toString(), "--kpis", kpis.toString(),
                "--rejected", dir.resolve("sample-kpis.dlq.jsonl").toString());

        assertThat(run.exit()).isEqualTo(1);
        JsonNode diff = single(run.report().get("differing"));
        assertThat(diff.get("field").asText()).isEqualTo("on_time");
        assertThat(diff.get("actual").asLong()).isEqualTo(diff.get("expected").asLong() + 1);
        assertSameRecord(diff, changed);
        assertSameRecord(single(run.report().get("missing")), droppedRecord);
        assertSameRecord(single(run.report().get("unexpected")), added);
        assertThat(run.report().get("unexplained").asLong()).isEqualTo(3);
        assertThat(run.out()).contains("DIFFERS", "MISSING", "UNEXPECTED", "atlantis");

        String from = changed.get("window_start").asText();
        String to = changed.get("window_end").asText();
        Run range = reconcile("--input", SAMPLE.toString(), "--kpis", kpis.toString(),
                "--rejected", dir.resolve("sample-kpis.dlq.jsonl").toString(), "--from", from, "--to", to);
        assertSameRecord(single(range.report().get("differing")), changed);
        long compared = 0;
        for (JsonNode family : range.report().get("summary")) {
            compared += family.get("finals").asLong();
        }
        long inRange = 0;
        for (String line : lines) {
            JsonNode record = JSON.readTree(line);
            boolean kpi = !record.get("topic").asText().equals("lastmile.kpi.alerts");
            inRange += kpi && Instant.parse(record.get("window_start").asText()).compareTo(Instant.parse(from)) >= 0
                    && Instant.parse(record.get("window_end").asText()).compareTo(Instant.parse(to)) <= 0 ? 1 : 0;
        }
        assertThat(compared).isPositive().isEqualTo(inRange);
    }

    @Test
    void shouldLeaveOutRejectedLinesAndExplainDifferencesByLateRecords() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(SAMPLE));
        lines.add("");
        lines.add("{\"source\":\"survey\",\"event_id\":\"bad-score\",\"survey_id\":\"bad-score\",\"delivery_id\":null,"
                + "\"ticket_id\":null,\"region\":\"north\",\"kind\":\"CSAT\",\"score\":9,\"reasons\":[],"
                + "\"event_time\":\"2026-11-03T12:00:00Z\"}");
        // Long after their windows closed: late for the pipeline, counted by the recomputation.
        lines.add("{\"source\":\"delivery\",\"event_id\":\"late-d1\",\"delivery_id\":\"late-d1\",\"route_id\":"
                + "\"north-r2\",\"driver_id\":\"drv-north-2\",\"region\":\"north\",\"status\":\"DELIVERED\","
                + "\"event_time\":\"2026-11-02T09:10:00Z\",\"promised_by\":\"2026-11-02T09:30:00Z\",\"cost_cents\":500}");
        lines.add("{\"source\":\"survey\",\"event_id\":\"late-s1\",\"survey_id\":\"late-s1\",\"delivery_id\":null,"
                + "\"ticket_id\":null,\"region\":\"south\",\"kind\":\"NPS\",\"score\":3,\"reasons\":[\"late\"],"
                + "\"event_time\":\"2026-11-02T10:05:00Z\"}");
        lines.add("{\"source\":\"ticket\",\"event_id\":\"late-t1\",\"ticket_id\":\"late-t1\",\"delivery_id\":"
                + "\"d00153\",\"region\":\"east\",\"category\":\"DAMAGED\",\"channel\":\"EMAIL\",\"type\":\"OPENED\","
                + "\"event_time\":\"2026-11-02T09:40:00Z\",\"agent_id\":null}");
        Path history = dir.resolve("late-history.jsonl");
        Files.write(history, lines);
        Path kpis = dir.resolve("late-kpis.jsonl");
        replay(history, kpis);
        List<String> late = Files.readAllLines(dir.resolve("late-kpis.late.jsonl"));
        List<String> rejected = Files.readAllLines(dir.resolve("late-kpis.dlq.jsonl"));
        assertThat(late).hasSize(3);
        assertThat(rejected).anyMatch(l -> l.contains("score_out_of_range"));

        Run run = reconcile("--input", history.toString(), "--kpis", kpis.toString());

        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains(rejected.size() + " rejected by the pipeline left out", "3 late records",
                "explained by 1 late record");
        JsonNode report = run.report();
        long explained = 0;
        for (String kind : new String[] {"differing", "missing", "unexpected"}) {
            for (JsonNode item : report.get(kind)) {
                assertThat(item.get("explained_by_late_records").asLong()).as(item.toString()).isPositive();
                assertThat(item.get("equals_recomputation_without_some_of_them").asBoolean()).as(item.toString()).isTrue();
                explained++;
            }
        }
        assertThat(explained).isPositive();
        assertThat(report.get("explained_not_confirmed").asLong()).isZero();
        for (String topic : new String[] {"delivery", "experience", "support", "route-complaints", "perfect-order"}) {
            assertThat(report.get("summary").get("lastmile.kpi." + topic).get("explained").asLong()).as(topic)
                    .isPositive();
        }

        Path noDlq = Files.writeString(dir.resolve("none.dlq.jsonl"), "");
        Run withoutDlq = reconcile("--input", history.toString(), "--kpis", kpis.toString(),
                "--rejected", noDlq.toString());
        assertThat(withoutDlq.exit()).as("the rejected lines would count without the DLQ file").isEqualTo(1);
    }

    @Test
    void shouldConfirmEveryDifferenceThatLateRecordsOfASimulatedHistoryExplain() throws Exception {
        Path history = dir.resolve("disordered.jsonl");
        Path kpis = dir.resolve("disordered-kpis.jsonl");
        assertThat(tools("simulate", "--hours", "30", "--deliveries-per-hour", "12", "--disorder", "0.2",
                "--seed", "9", "--output", history.toString())).isZero();
        // Events up to 5 minutes out of order against a grace of 1 minute: some arrive after their window closed.
        assertThat(tools("replay", "--input", history.toString(), "--output", kpis.toString(),
                "--wall-clock", WALL_CLOCK, "--set", "window.grace=1m")).isZero();
        assertThat(Files.readAllLines(dir.resolve("disordered-kpis.late.jsonl"))).isNotEmpty();

        Run run = reconcile("--input", history.toString(), "--kpis", kpis.toString());

        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.report().get("differing")).isNotEmpty().allSatisfy(item -> {
            assertThat(item.get("explained_by_late_records").asLong()).isPositive();
            assertThat(item.get("equals_recomputation_without_some_of_them").asBoolean()).isTrue();
        });
        assertThat(run.report().get("explained_not_confirmed").asLong()).isZero();
    }

    private void assertAllMatched(Run run, long finals) {
        JsonNode summary = run.report().get("summary");
        long matched = 0;
        for (JsonNode family : summary) {
            assertThat(family.get("matched").asLong()).as(family.toString()).isPositive()
                    .isEqualTo(family.get("expected").asLong()).isEqualTo(family.get("finals").asLong());
            matched += family.get("matched").asLong();
        }
        assertThat(matched).isEqualTo(finals);
        assertThat(run.report().get("unexplained").asLong()).isZero();
    }

    private static void assertSameRecord(JsonNode item, JsonNode record) {
        for (String field : new String[] {"topic", "level", "region", "route_id", "category", "window",
            "window_start"}) {
            assertThat(text(item, field)).as(field).isEqualTo(text(record, field));
        }
    }

    private static String text(JsonNode json, String field) {
        return json.hasNonNull(field) ? json.get(field).asText() : null;
    }

    private static JsonNode single(JsonNode array) {
        assertThat(array).as(array.toString()).hasSize(1);
        return array.get(0);
    }

    private static int indexOf(List<String> lines, String topic, int nth) {
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(topic) && ++seen == nth) {
                return i;
            }
        }
        throw new AssertionError("fewer than " + nth + " records of " + topic);
    }

    private static void replay(Path history, Path kpis) {
        assertThat(tools("replay", "--input", history.toString(), "--output", kpis.toString(),
                "--wall-clock", WALL_CLOCK)).isZero();
    }

    private Run reconcile(String... args) throws Exception {
        Path report = Files.createTempFile(dir, "report", ".json");
        List<String> all = new ArrayList<>(List.of("reconcile", "--report", report.toString()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        int exit = ToolsMain.execute(new PrintWriter(out, true), new PrintWriter(out, true), all.toArray(String[]::new));
        return new Run(exit, out.toString(), JSON.readTree(Files.readString(report, StandardCharsets.UTF_8)));
    }

    private static int tools(String... args) {
        StringWriter err = new StringWriter();
        return ToolsMain.execute(new PrintWriter(err, true), new PrintWriter(err, true), args);
    }
}
