package dev.lastmile.kpi.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Expected records against final records, key by key: matched, differing (field, expected, actual),
 * missing (expected, no final record) and unexpected (a final record, nothing expected). A problem in a
 * window that a late record can change is "explained by N late records"; only the others fail.
 */
final class ReconcileReport {

    record Difference(RecordKey key, String field, Object expected, JsonNode actual, long explainedBy) {
    }

    record Gap(RecordKey key, long explainedBy) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] COLUMNS = {"expected", "finals", "matched", "differing", "missing", "unexpected",
        "explained"};

    final List<Difference> differing = new ArrayList<>();
    final List<Gap> missing = new ArrayList<>();
    final List<Gap> unexpected = new ArrayList<>();
    /** topic -> counts in the order of COLUMNS (records, not fields). */
    final Map<String, long[]> byTopic = new LinkedHashMap<>();
    long unexplained;

    /** Compares the records whose window lies within [from, to) (epoch millis). */
    static ReconcileReport compare(Map<RecordKey, Map<String, Object>> expected, FinalRecords finals,
                                   LateRecords late, long from, long to) {
        ReconcileReport r = new ReconcileReport();
        RecordKey.TOPICS.forEach(t -> r.byTopic.put(t, new long[COLUMNS.length]));
        TreeSet<RecordKey> keys = new TreeSet<>(expected.keySet());
        keys.addAll(finals.records.keySet());
        for (RecordKey key : keys) {
            if (key.start() < from || key.end() > to) {
                continue;
            }
            long[] counts = r.byTopic.get(key.topic());
            Map<String, Object> want = expected.get(key);
            JsonNode got = finals.records.get(key);
            counts[0] += want == null ? 0 : 1;
            counts[1] += got == null ? 0 : 1;
            long explainedBy = want != null && got != null && Comparison.differingFields(want, got).isEmpty() ? 0
                    : late.explaining(key);
            if (want == null) {
                r.unexpected.add(new Gap(key, explainedBy));
                counts[5]++;
            } else if (got == null) {
                r.missing.add(new Gap(key, explainedBy));
                counts[4]++;
            } else {
                List<String> fields = Comparison.differingFields(want, got);
                fields.forEach(f -> r.differing.add(new Difference(key, f, want.get(f), got.get(f), explainedBy)));
                counts[fields.isEmpty() ? 2 : 3]++;
                if (fields.isEmpty()) {
                    continue;
                }
            }
            counts[6] += explainedBy > 0 ? 1 : 0;
            r.unexplained += explainedBy > 0 ? 0 : 1;
        }
        return r;
    }

    /** Nothing differs, is missing or unexpected, except where late records explain it. */
    boolean clean() {
        return unexplained == 0;
    }

    void print(PrintWriter out) {
        out.printf("%-30s", "records");
        for (String c : COLUMNS) {
            out.printf(" %10s", c);
        }
        out.println();
        byTopic.forEach((topic, counts) -> {
            out.printf("%-30s", topic);
            for (long c : counts) {
                out.printf(" %10d", c);
            }
            out.println();
        });
        for (Difference d : differing) {
            out.printf("DIFFERS     %s %s: expected %s, actual %s%s%n", d.key(), d.field(), json(d.expected()),
                    d.actual() == null ? "(absent)" : d.actual(), why(d.explainedBy()));
        }
        missing.forEach(g -> out.printf("MISSING     %s: expected, no final record%s%n", g.key(), why(g.explainedBy())));
        unexpected.forEach(g -> out.printf("UNEXPECTED  %s: final record, nothing expected%s%n", g.key(),
                why(g.explainedBy())));
        out.println(clean() ? "reconcile: every final record is as expected (or explained by late records)"
                : "reconcile: " + unexplained + " records differ, are missing or unexpected without a late record"
                + " to explain them");
    }

    ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode().put("clean", clean()).put("unexplained", unexplained);
        ObjectNode summary = root.putObject("summary");
        byTopic.forEach((topic, counts) -> {
            ObjectNode t = summary.putObject(topic);
            for (int i = 0; i < COLUMNS.length; i++) {
                t.put(COLUMNS[i], counts[i]);
            }
        });
        ArrayNode diffs = root.putArray("differing");
        for (Difference d : differing) {
            ObjectNode o = record(diffs, d.key(), d.explainedBy()).put("field", d.field());
            o.set("expected", JSON.valueToTree(d.expected()));
            o.set("actual", d.actual());
        }
        ArrayNode miss = root.putArray("missing");
        missing.forEach(g -> record(miss, g.key(), g.explainedBy()));
        ArrayNode extra = root.putArray("unexpected");
        unexpected.forEach(g -> record(extra, g.key(), g.explainedBy()));
        return root;
    }

    private static ObjectNode record(ArrayNode into, RecordKey key, long explainedBy) {
        return into.addObject().put("record", key.toString()).put("topic", key.topic()).put("level", key.level())
                .put("region", key.region()).put("route_id", key.route()).put("category", key.category())
                .put("window", key.window()).put("window_start", Instant.ofEpochMilli(key.start()).toString())
                .put("explained_by_late_records", explainedBy);
    }

    private static String why(long lateRecords) {
        return lateRecords == 0 ? "" : " (explained by " + lateRecords + " late records)";
    }

    private static String json(Object value) {
        return JSON.valueToTree(value).toString();
    }
}
