package dev.lastmile.kpi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The correctness reference: {@code replay} (the production topology in TopologyTestDriver) over the
 * same history, in its own JVM, its final records per output topic. A live run is right when its finals are exactly these.
 *
 * @param finals per topic, each final record in replay's JSON form and how often it came
 */
record ReplayCheck(long lines, double seconds, Map<String, Map<String, Integer>> finals) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** replay's summary line: {@code replay: 887 lines (0 blank), ...}. */
    private static final Pattern SUMMARY = Pattern.compile("^replay: (\\d+) lines \\(");

    /**
     * Runs {@code replay} in a JVM of its own (its memory stays out of this one's heap and RSS figures),
     * on this JVM's class path, with the settings the live pipeline gets; its output lines go to {@code progress}.
     */
    static ReplayCheck run(Map<String, String> settings, Path history, Path output, PrintWriter progress)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "dev.lastmile.kpi.tools.ToolsMain", "replay",
                "--input", history.toString(), "--output", output.toString()));
        settings.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
        Process replay = new ProcessBuilder(command).redirectErrorStream(true).start();
        long lines = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(replay.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                progress.println(line);
                Matcher m = SUMMARY.matcher(line);
                if (m.find()) {
                    lines = Long.parseLong(m.group(1));
                }
            }
        }
        if (replay.waitFor() != 0 || lines < 0) {
            throw new IllegalStateException("replay of " + history + " failed (exit code " + replay.exitValue() + ")");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Map<String, Integer>> finals = new TreeMap<>();
        try (BufferedReader in = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String topic = JSON.readTree(line).get("topic").asText();
                finals.computeIfAbsent(topic, t -> new HashMap<>()).merge(line, 1, Integer::sum);
            }
        }
        return new ReplayCheck(lines, seconds, finals);
    }

    double linesPerSecond() {
        return seconds <= 0 ? 0 : lines / seconds;
    }

    Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        finals.forEach((t, lines) -> counts.put(t, lines.values().stream().mapToLong(Integer::longValue).sum()));
        return counts;
    }

    /** Per topic: finals in one and not the other (each surplus or missing copy counts once). */
    Map<String, Long> differences(Map<String, Map<String, Integer>> live, Set<String> topics) {
        Map<String, Long> diff = new TreeMap<>();
        Set<String> all = new HashSet<>(topics);
        all.addAll(finals.keySet());
        for (String topic : all) {
            Map<String, Integer> expected = finals.getOrDefault(topic, Map.of());
            Map<String, Integer> actual = live.getOrDefault(topic, Map.of());
            Set<String> lines = new HashSet<>(expected.keySet());
            lines.addAll(actual.keySet());
            long d = lines.stream().mapToLong(l -> Math.abs(expected.getOrDefault(l, 0) - actual.getOrDefault(l, 0)))
                    .sum();
            diff.put(topic, d);
        }
        return diff;
    }
}
