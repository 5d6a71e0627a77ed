package dev.lastmile.kpi.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastmile.kpi.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay} over a small fixture whose every number is worked out by hand below.
 *
 * <pre>
 * line  event                                   note
 *  1    e1 north DELIVERED 08:10, promised 08:30 on time, 500
 *  2    e2 north DELIVERED 08:40, promised 08:20 20 min late, 700
 *  3    ticket opened                             valid, no delivery KPI
 *  4    e3 south FAILED 08:50                     300
 *  5    survey                                    valid, no delivery KPI
 *  6    e4 north DELIVERED 09:05, promised 09:00 5 min late, 400
 *  7    e5 north DELIVERED 08:55, promised 09:00 out of order within grace, on time, 600
 *  8    e2 again                                  duplicate event_id: dropped
 *  9    not JSON                                  DLQ
 * 10    DELIVERED without promised_by             DLQ
 * 11    status LOST                               DLQ
 * 12    e6 south DELIVERED 10:20, promised 10:30 on time, 200; watermark 10:20 closes hours 08 and 09
 * 13    e7 north DELIVERED 08:30, promised 09:00 late: hour 08 closed; counts in rolling windows ending >= 11:00
 * </pre>
 */
class ReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant WALL_CLOCK = Instant.parse("2026-11-20T00:00:00Z");

    private static Path fixture() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(ReplayTest.class.getResource("/replay/small-history.jsonl")).toURI());
    }

    private static ReplaySummary replay(Path input, Path output) throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ReplaySummary summary = new ReplayRunner(ConfigLoader.defaults().load(), WALL_CLOCK,
                new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true)).run(input, output);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(summary.toString());
        return summary;
    }

    private static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static JsonNode one(List<JsonNode> kpis, String region, String window, String end) {
        List<JsonNode> found = kpis.stream().filter(k -> k.get("region").asText().equals(region)
                && k.get("window").asText().equals(window) && k.get("window_end").asText().equals(end)).toList();
        assertThat(found).as("%s %s ending %s", region, window, end).hasSize(1);
        return found.get(0);
    }

    @Test
    void shouldWriteHandComputedFinalKpisDlqAndLateFiles(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("kpis.jsonl");
        ReplaySummary summary = replay(fixture(), out);

        assertThat(summary.lines()).isEqualTo(13);
        assertThat(summary.rejected()).isEqualTo(3);
        assertThat(summary.duplicates()).isEqualTo(1);
        assertThat(summary.late()).isEqualTo(1);

        List<JsonNode> all = read(out);
        assertThat(all).allMatch(k -> k.get("final").asBoolean());
        List<JsonNode> kpis = all.stream().filter(k -> k.get("topic").asText().equals("lastmile.kpi.delivery"))
                .toList();
        // Hourly: north 08, north 09, south 08, south 10.
        assertThat(kpis.stream().filter(k -> k.get("window").asText().equals("HOURLY"))).hasSize(4);
        // Rolling: north buckets 08, 09 -> ends 09:00 .. +1 09:00 = 25; south 08, 10 -> 09:00 .. +1 10:00 = 26.
        assertThat(kpis.stream().filter(k -> k.get("window").asText().equals("ROLLING_24H"))).hasSize(51);
        assertThat(kpis).hasSize(55);

        JsonNode north08 = one(kpis, "north", "HOURLY", "2026-11-02T09:00:00Z");
        assertThat(north08.get("window_start").asText()).isEqualTo("2026-11-02T08:00:00Z");
        assertThat(north08.get("deliveries").asLong()).isEqualTo(3);            // e1, e2, e5
        assertThat(north08.get("on_time").asLong()).isEqualTo(2);               // e1, e5
        assertThat(north08.get("on_time_rate").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(north08.get("avg_delay_minutes").asDouble()).isEqualTo(20.0); // e2 only
        assertThat(north08.get("cost_cents").asLong()).isEqualTo(1800);
        assertThat(north08.get("cost_per_delivery_cents").asDouble()).isEqualTo(600.0);

        JsonNode north09 = one(kpis, "north", "HOURLY", "2026-11-02T10:00:00Z");
        assertThat(north09.get("deliveries").asLong()).isEqualTo(1);            // e4
        assertThat(north09.get("on_time_rate").asDouble()).isEqualTo(0.0);
        assertThat(north09.get("avg_delay_minutes").asDouble()).isEqualTo(5.0);

        JsonNode south08 = one(kpis, "south", "HOURLY", "2026-11-02T09:00:00Z");
        assertThat(south08.get("failed").asLong()).isEqualTo(1);
        assertThat(south08.get("success_rate").asDouble()).isEqualTo(0.0);
        assertThat(south08.get("cost_per_successful_delivery_cents").isNull()).isTrue();
        assertThat(south08.get("avg_delay_minutes").isNull()).isTrue();

        // Rolling windows of north: before the late e7 arrived, and after.
        assertThat(one(kpis, "north", "ROLLING_24H", "2026-11-02T09:00:00Z").get("deliveries").asLong()).isEqualTo(3);
        assertThat(one(kpis, "north", "ROLLING_24H", "2026-11-02T10:00:00Z").get("deliveries").asLong()).isEqualTo(4);
        JsonNode withLate = one(kpis, "north", "ROLLING_24H", "2026-11-02T11:00:00Z");
        assertThat(withLate.get("deliveries").asLong()).isEqualTo(5);           // e1 e2 e5 e7 + e4
        assertThat(withLate.get("cost_cents").asLong()).isEqualTo(2300);
        assertThat(withLate.get("on_time_rate").asDouble()).isEqualTo(0.6);     // e1 e5 e7 of 5
        assertThat(withLate.get("window_start").asText()).isEqualTo("2026-11-01T11:00:00Z");
        assertThat(one(kpis, "north", "ROLLING_24H", "2026-11-03T09:00:00Z").get("deliveries").asLong())
                .isEqualTo(1);                                                    // hour 09 only

        List<JsonNode> dlq = read(dir.resolve("kpis.dlq.jsonl"));
        assertThat(dlq).extracting(d -> d.get("line").asInt()).containsExactly(9, 10, 11);
        assertThat(dlq.get(0).get("reason").asText()).startsWith("not valid JSON");
        assertThat(dlq.get(0).get("raw").asText()).isEqualTo("this is not json");
        assertThat(dlq.get(1).get("reason").asText()).isEqualTo("terminal event DELIVERED without promised_by");
        assertThat(dlq.get(2).get("reason").asText()).contains("field status must be one of");

        List<JsonNode> late = read(dir.resolve("kpis.late.jsonl"));
        assertThat(late).singleElement().satisfies(l -> {
            assertThat(l.get("line").asInt()).isEqualTo(13);
            assertThat(l.get("counted_in_rolling").asBoolean()).isTrue();
        });
    }

    @Test
    void shouldGiveTheSameOutputWhateverTheOrderOfLinesWithinGrace(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(fixture()));
        Path first = dir.resolve("a.jsonl");
        replay(fixture(), first);

        // Reorder everything before line 12 (all within 15 minutes of the newest event at that point,
        // 09:05): reversed. Lines 12 and 13 keep their place, as 13 is late only after 12.
        List<String> head = new ArrayList<>(lines.subList(0, 11));
        Collections.reverse(head);
        head.addAll(lines.subList(11, 13));
        Path shuffled = dir.resolve("shuffled-input.jsonl");
        Files.write(shuffled, head);
        Path second = dir.resolve("b.jsonl");
        replay(shuffled, second);

        assertThat(Files.readAllLines(second)).isEqualTo(Files.readAllLines(first))
                .anyMatch(l -> l.contains("lastmile.kpi.support")).anyMatch(l -> l.contains("lastmile.kpi.experience"))
                .anyMatch(l -> l.contains("lastmile.kpi.route-complaints"));
    }
}
