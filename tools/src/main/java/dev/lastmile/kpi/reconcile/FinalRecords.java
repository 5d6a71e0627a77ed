package dev.lastmile.kpi.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The final KPI records a pipeline produced, as replay writes them: one JSON object a line with "topic". */
final class FinalRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<RecordKey, JsonNode> records = new TreeMap<>();
    /** Records of topics reconcile does not recompute (alerts, or a topic not configured). */
    long otherTopics;
    /** Lines that are not a KPI record, or a second record for the same key and window. */
    final List<String> problems = new ArrayList<>();

    /** Records of the configured KPI topics are read under the default names (the family's key topic). */
    private final Map<String, String> topics = new TreeMap<>();

    /** @param configured each family's topic as configured, by family name */
    static FinalRecords read(Path file, Map<String, String> configured) throws IOException {
        FinalRecords f = new FinalRecords();
        configured.forEach((family, topic) -> {
            if (RecordKey.TOPIC_OF_FAMILY.containsKey(family)) {
                f.topics.put(topic, RecordKey.TOPIC_OF_FAMILY.get(family));
            }
        });
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    f.add(number, line);
                }
            }
        }
        return f;
    }

    private void add(long number, String line) {
        try {
            JsonNode j = JSON.readTree(line);
            String topic = topics.get(j.get("topic").asText());
            if (topic == null) {
                otherTopics++;
                return;
            }
            RecordKey key = new RecordKey(topic, text(j, "level"), text(j, "region"), text(j, "route_id"),
                    text(j, "category"), text(j, "window"), time(j, "window_start"), time(j, "window_end"));
            if (records.putIfAbsent(key, j) != null) {
                problems.add("line " + number + ": a second final record for " + key);
            }
        } catch (IOException | RuntimeException e) {
            problems.add("line " + number + ": not a KPI record (" + e.getMessage() + ")");
        }
    }

    private static String text(JsonNode j, String field) {
        return j.hasNonNull(field) ? j.get(field).asText() : null;
    }

    private static long time(JsonNode j, String field) {
        return Instant.parse(j.get(field).asText()).toEpochMilli();
    }
}
