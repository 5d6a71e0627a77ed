package dev.lastmile.kpi.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastmile.kpi.reconcile.HistoryEvents.Delivery;
import dev.lastmile.kpi.reconcile.HistoryEvents.Survey;
import dev.lastmile.kpi.reconcile.HistoryEvents.Ticket;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The records the pipeline copied as late (replay's {@code <output>.late.jsonl}), and the windows each can
 * change: for every family it missed, the windows of that family's topic (in the event's region; any region
 * where the event could be counted under another) that overlap the times the event counts at.
 */
final class LateRecords {

    /** Windows of {@code topic} in {@code region} (null: any) overlapping [from, to] may differ because of it. */
    record Footprint(long line, String topic, String region, long from, long to) {
        boolean explains(RecordKey key) {
            return key.topic().equals(topic) && key.sameRegion(region) && key.overlaps(from, to);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<Footprint> footprints = new ArrayList<>();
    long count;

    static LateRecords read(Path file, HistoryEvents history, ExpectedKpis.Settings settings) throws IOException {
        LateRecords late = new LateRecords();
        if (file == null || !Files.exists(file)) {
            return late;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    late.count++;
                    JsonNode j = JSON.readTree(line);
                    Object event = history.byLine.get(j.get("line").asLong());
                    for (String family : j.get("kpis").asText().split(",")) {
                        late.add(j.get("line").asLong(), RecordKey.TOPIC_OF_FAMILY.get(family.trim()), event, history,
                                settings);
                    }
                }
            }
        }
        return late;
    }

    private void add(long line, String topic, Object event, HistoryEvents history, ExpectedKpis.Settings settings) {
        if (topic == null || event == null) {
            return;
        }
        if (event instanceof Delivery d) {
            footprints.add(new Footprint(line, topic, d.region(), d.time(), d.time()));
        } else if (event instanceof Survey s) {
            footprints.add(new Footprint(line, topic, s.region(), s.time(), s.time()));
        } else if (event instanceof Ticket t) {
            long around = topic.equals(RecordKey.PERFECT) ? settings.complaintWindow().toMillis() : 0;
            footprints.add(new Footprint(line, topic, null, t.time() - around, t.time() + around));
            // Any event of a ticket can change the facts its first RESOLVED brings to that one's window.
            for (Ticket other : history.tickets) {
                if (topic.equals(RecordKey.SUPPORT) && other.ticketId().equals(t.ticketId())
                        && other.type().equals("RESOLVED")) {
                    footprints.add(new Footprint(line, topic, null, other.time(), other.time()));
                    break;
                }
            }
        }
    }

    /** The late records (their lines, in order) that may explain a difference in this record. */
    List<Long> linesExplaining(RecordKey key) {
        return footprints.stream().filter(f -> f.explains(key)).map(Footprint::line).distinct().sorted().toList();
    }
}
