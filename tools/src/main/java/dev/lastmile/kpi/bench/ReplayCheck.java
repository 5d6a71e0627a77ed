package dev.lastmile.kpi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.replay.ReplayRunner;
import dev.lastmile.kpi.replay.ReplaySummary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The correctness reference: {@code replay} (the production topology in TopologyTestDriver) over the
 * same history, its final records per output topic. A live run is right when its finals are exactly these.
 *
 * @param finals per topic, each final record in replay's JSON form and how often it came
 */
record ReplayCheck(long lines, double seconds, Map<String, Map<String, Integer>> finals) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ReplayCheck run(PipelineConfig config, Path history, Path output, PrintWriter progress) throws IOException {
        long start = System.nanoTime();
        ReplaySummary summary = new ReplayRunner(config, Instant.now(), progress).run(history, output);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Map<String, Integer>> finals = new TreeMap<>();
        try (BufferedReader in = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                String topic = JSON.readTree(line).get("topic").asText();
                finals.computeIfAbsent(topic, t -> new HashMap<>()).merge(line, 1, Integer::sum);
            }
        }
        return new ReplayCheck(summary.lines(), seconds, finals);
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
