package dev.lastmile.kpi.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay}'s handling of the file itself: bytes, line ends, one object a line, safe outputs. */
class ReplayInputFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant WALL_CLOCK = Instant.parse("2026-11-20T00:00:00Z");

    /** A valid terminal delivery at 08:mm on 2026-11-02, changed by {@code change}. */
    private static String delivery(int minute, Consumer<ObjectNode> change) {
        String at = String.format("2026-11-02T08:%02d:00Z", minute);
        ObjectNode o = JSON.createObjectNode().put("source", "delivery").put("event_id", "e" + minute)
                .put("delivery_id", "d" + minute).put("route_id", "n-1").put("driver_id", "x1").put("region", "north")
                .put("status", "DELIVERED").put("event_time", at).put("promised_by", at).put("cost_cents", 100);
        change.accept(o);
        return o.toString();
    }

    private static String delivery(int minute) {
        return delivery(minute, o -> { });
    }

    private static ReplaySummary replay(Path input, Path output) throws IOException {
        return new ReplayRunner(ConfigLoader.defaults().load(), WALL_CLOCK,
                new PrintWriter(new OutputStreamWriter(new ByteArrayOutputStream(), StandardCharsets.UTF_8), true)).run(input, output);
    }

    private static List<JsonNode> dlq(Path dir) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("kpis.dlq.jsonl"))) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static long north08Deliveries(Path out) throws IOException {
        return Files.readAllLines(out).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).filter(k -> k.get("topic").asText().equals("lastmile.kpi.delivery") && k.get("region").asText().equals("north")
                && k.get("window").asText().equals("HOURLY")).mapToLong(k -> k.get("deliveries").asLong()).sum();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void shouldSendInvalidUtf8ToTheDlqWithItsLineNumberAndCountTheRest(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        String line2 = delivery(2, o -> o.put("region", "nor@th"));
        int at = line2.indexOf('@');
        byte[] badRegion = concat(bytes(line2.substring(0, at)), new byte[] {(byte) 0xFF}, bytes(line2.substring(at + 1)));
        Files.write(in, concat(bytes(delivery(1) + "\n"), badRegion, bytes("\n" + delivery(3) + "\nnot json\n")));

        ReplaySummary s = replay(in, dir.resolve("kpis.jsonl"));

        assertThat(dlq(dir)).extracting(d -> d.get("line").asInt() + " " + d.get("code").asText())
                .containsExactly("2 invalid_utf8", "4 not_json");
        assertThat(dlq(dir).get(0).get("raw").asText()).contains("nor\uFFFDth");
        assertThat(s.lines()).isEqualTo(4);
        assertThat(s.accepted()).isEqualTo(2);
        assertThat(north08Deliveries(dir.resolve("kpis.jsonl"))).isEqualTo(2);
    }

    @Test
    void shouldEndLinesOnlyAtLfOrCrlfSoAStrayCrDoesNotShiftLineNumbers(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        String crBetweenTokens = delivery(3).replace(",\"event_id\"", ",\r\"event_id\"");   // JSON whitespace: valid
        String crInsideString = delivery(4, o -> o.put("region", "no\rth"));             // escaped by Jackson: valid JSON
        String rawCrInString = delivery(5).replace("\"north\"", "\"no\rth\"");           // a raw CR in a string: not JSON
        Files.writeString(in, delivery(1) + "\r\n" + delivery(2) + "\r\n" + crBetweenTokens + "\n" + crInsideString
                + "\n" + rawCrInString + "\n" + "garbage\r\n");

        ReplaySummary s = replay(in, dir.resolve("kpis.jsonl"));

        assertThat(s.lines()).isEqualTo(6);
        assertThat(dlq(dir)).extracting(d -> d.get("line").asInt() + " " + d.get("code").asText())
                .containsExactly("4 forbidden_character", "5 not_json", "6 not_json");
        assertThat(dlq(dir).get(2).get("raw").asText()).isEqualTo("garbage");
        assertThat(north08Deliveries(dir.resolve("kpis.jsonl"))).isEqualTo(3);
    }

    @Test
    void shouldCountBlankLinesSoEveryLineIsAccountedFor(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "\n" + delivery(1) + "\n   \n\t\r\n" + delivery(1) + "\n" + delivery(2, o -> o.remove("region"))
                + "\n\n");

        ReplaySummary s = replay(in, dir.resolve("kpis.jsonl"));

        assertThat(s.lines()).isEqualTo(7);
        assertThat(s.blank()).isEqualTo(4);
        assertThat(s.accepted()).isEqualTo(1);
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.blank() + s.accepted() + s.duplicates() + s.rejected()).isEqualTo(s.lines());
        assertThat(s.toString()).startsWith("replay: 7 lines (4 blank), 1 events accepted, 1 rejected (DLQ), 1 duplicates");
        assertThat(dlq(dir)).singleElement().satisfies(d -> {
            assertThat(d.get("line").asInt()).isEqualTo(6);
            assertThat(d.get("code").asText()).isEqualTo("missing_field");
        });
    }

    @Test
    void shouldRejectALineWithASecondObjectTrailingTextOrARepeatedKey(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, String.join("\n", delivery(1) + delivery(2), delivery(3) + " x", delivery(4) + " ",
                delivery(5).replace("{", "{\"region\":\"south\","), "[" + delivery(6) + "]") + "\n");

        ReplaySummary s = replay(in, dir.resolve("kpis.jsonl"));

        assertThat(dlq(dir)).extracting(d -> d.get("line").asInt() + " " + d.get("code").asText())
                .containsExactly("1 not_json", "2 not_json", "4 not_json", "5 not_json");
        assertThat(dlq(dir).get(2).get("reason").asText()).contains("Duplicate field 'region'");
        assertThat(s.accepted()).isEqualTo(1);                                   // line 3: trailing space is fine
        assertThat(north08Deliveries(dir.resolve("kpis.jsonl"))).isEqualTo(1);
    }

    @Test
    void shouldSendTimesOutsideTheRangesToTheDlqWithLineNumbersInsteadOfAborting(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, String.join("\n",
                delivery(1, o -> o.put("event_time", "+1000000000-01-01T00:00:00Z")),
                delivery(2, o -> o.put("promised_by", "-1000000000-01-01T00:00:00Z")),
                delivery(3, o -> o.put("event_time", "1969-12-31T23:00:00Z").put("promised_by", "1969-12-31T23:00:00Z")),
                delivery(4, o -> o.put("event_time", "2026-11-20T00:16:00Z").put("promised_by", "2026-11-20T00:00:00Z")),
                delivery(5, o -> o.put("region", "a|b")),
                delivery(6)) + "\n");

        ReplaySummary s = replay(in, dir.resolve("kpis.jsonl"));

        assertThat(dlq(dir)).extracting(d -> d.get("line").asInt() + " " + d.get("code").asText()).containsExactly(
                "1 invalid_field", "2 invalid_field", "3 event_time_too_early", "4 future_event_time",
                "5 forbidden_character");
        assertThat(dlq(dir).get(0).get("reason").asText())
                .isEqualTo("field event_time +1000000000-01-01T00:00:00Z is beyond the range of epoch milliseconds");
        assertThat(s.accepted()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnOutputThatIsTheInputOrWhoseDlqOrLateFileIsAndLeaveTheInputAlone(@TempDir Path dir)
            throws Exception {
        Path in = dir.resolve("kpis.dlq.jsonl");
        Files.writeString(in, delivery(1) + "\n");
        byte[] before = Files.readAllBytes(in);

        assertThatThrownBy(() -> replay(in, in)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replay: --output " + in + " is the --input file " + in
                        + ". Fix: give --output a file name in another directory or with another name.");
        Path out = dir.resolve("kpis.jsonl");
        assertThatThrownBy(() -> replay(in, out)).hasMessageContaining("would write " + in + ", which is the --input");
        // The same file by another path: relative, through a symbolic link.
        Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), in);
        assertThatThrownBy(() -> replay(in, link)).isInstanceOf(IllegalArgumentException.class);
        Path lateIn = dir.resolve("x.late.jsonl");
        Files.writeString(lateIn, delivery(1) + "\n");
        assertThatThrownBy(() -> replay(lateIn, dir.resolve("x.jsonl"))).isInstanceOf(IllegalArgumentException.class);

        assertThat(Files.readAllBytes(in)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("kpis.dlq.jsonl", "link.jsonl", "x.late.jsonl");
        }
    }

    @Test
    void shouldLeaveThePreviousOutputsAndNoTemporaryFilesWhenAReplayFails(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("kpis.jsonl");
        Files.writeString(out, "previous\n");
        Files.writeString(dir.resolve("kpis.dlq.jsonl"), "previous dlq\n");
        Path notAFile = Files.createDirectory(dir.resolve("input-is-a-directory"));

        assertThatThrownBy(() -> replay(notAFile, out)).isInstanceOf(IOException.class);

        assertThat(Files.readString(out)).isEqualTo("previous\n");
        assertThat(Files.readString(dir.resolve("kpis.dlq.jsonl"))).isEqualTo("previous dlq\n");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("kpis.jsonl", "kpis.dlq.jsonl", "input-is-a-directory");
        }
    }

    @Test
    void shouldReplaceThePreviousOutputsWhenAReplaySucceeds(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, delivery(1) + "\nnot json\n");
        Path out = dir.resolve("kpis.jsonl");
        Files.writeString(out, "previous\n");

        replay(in, out);

        assertThat(north08Deliveries(out)).isEqualTo(1);
        // Outputs get what any new file gets here (the umask), not a temporary file's owner-only mode.
        Path probe = Files.createFile(dir.resolve("probe"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("kpis.dlq.jsonl")))
                .isEqualTo(Files.getPosixFilePermissions(probe));
        Files.delete(probe);
        assertThat(dlq(dir)).singleElement().satisfies(d -> assertThat(d.get("line").asInt()).isEqualTo(2));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("in.jsonl", "kpis.jsonl", "kpis.dlq.jsonl", "kpis.late.jsonl");
        }
    }
}
