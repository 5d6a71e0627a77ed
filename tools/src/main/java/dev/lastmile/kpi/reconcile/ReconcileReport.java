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
 * window that late records fall in is "explained by N late records"; only the others fail. Whether the
 * final record is then exactly the recomputation without those late records is checked and shown too.
 */
final class ReconcileReport {

    /** @param lateRecords late records in the record's window; confirmed: final = recomputation without some */
    record Explanation(long lateRecords, boolean confirmed) {
        static final Explanation NONE = new Explanation(0, false);
    }

    record Difference(RecordKey key, String field, Object expected, JsonNode actual, Explanation why) {
    }

    record Gap(RecordKey key, Explanation why) {
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
    long explainedNotConfirmed;

    /**
     * Compares the records whose window lies within [from, to] (epoch millis).
     *
     * @param check whether a record that late records explain is the recomputation without (some of) them
     */
    static ReconcileReport compare(Map<RecordKey, Map<String, Object>> expected, FinalRecords finals,
                                   LateRecords late, LateCheck check, long from, long to) {
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
            List<String> fields = want == null || got == null ? List.of() : Comparison.differingFields(want, got);
            if (want != null && got != null && fields.isEmpty()) {
                counts[2]++;
                continue;
            }
            Explanation why = explain(key, got, late, check);
            if (want == null) {
                r.unexpected.add(new Gap(key, why));
                counts[5]++;
            } else if (got == null) {
                r.missing.add(new Gap(key, why));
                counts[4]++;
            } else {
                fields.forEach(f -> r.differing.add(new Difference(key, f, want.get(f), got.get(f), why)));
                counts[3]++;
            }
            counts[6] += why.lateRecords() > 0 ? 1 : 0;
            r.unexplained += why.lateRecords() > 0 ? 0 : 1;
            r.explainedNotConfirmed += why.lateRecords() > 0 && !why.confirmed() ? 1 : 0;
        }
        return r;
    }

    private static Explanation explain(RecordKey key, JsonNode got, LateRecords late, LateCheck check) {
        long lateRecords = late.linesExplaining(key).size();
        return lateRecords == 0 ? Explanation.NONE : new Explanation(lateRecords, check.confirms(key, got));
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
        Map<RecordKey, List<Difference>> byRecord = new LinkedHashMap<>();
        differing.forEach(d -> byRecord.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d));
        byRecord.forEach((key, diffs) -> {
            StringBuilder fields = new StringBuilder();
            for (Difference d : diffs) {
                fields.append(fields.length() == 0 ? "" : "; ").append(d.field()).append(" expected ")
                        .append(JSON.valueToTree(d.expected()).toString()).append(", actual ")
                        .append(d.actual() == null ? "(absent)" : d.actual());
            }
            out.printf("DIFFERS     %s: %s%s%n", key, fields, text(diffs.get(0).why()));
        });
        missing.forEach(g -> out.printf("MISSING     %s: expected, no final record%s%n", g.key(), text(g.why())));
        unexpected.forEach(g -> out.printf("UNEXPECTED  %s: final record, nothing expected%s%n", g.key(),
                text(g.why())));
        if (explainedNotConfirmed > 0) {
            out.println("reconcile: " + explainedNotConfirmed + " records explained by late records are not exactly"
                    + " the recomputation without any of them either (or more than " + LateCheck.MAX_LATE_RECORDS
                    + " late records fall in them)");
        }
        out.println(clean() ? "reconcile: every final record is as expected (or explained by late records)"
                : "reconcile: " + unexplained + " records differ, are missing or unexpected without a late record"
                + " to explain them");
    }

    ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode().put("clean", clean()).put("unexplained", unexplained)
                .put("explained_not_confirmed", explainedNotConfirmed);
        ObjectNode summary = root.putObject("summary");
        byTopic.forEach((topic, counts) -> {
            ObjectNode t = summary.putObject(topic);
            for (int i = 0; i < COLUMNS.length; i++) {
                t.put(COLUMNS[i], counts[i]);
            }
        });
        ArrayNode diffs = root.putArray("differing");
        for (Difference d : differing) {
            ObjectNode o = record(diffs, d.key(), d.why()).put("field", d.field());
            o.set("expected", JSON.valueToTree(d.expected()));
            o.set("actual", d.actual());
        }
        ArrayNode miss = root.putArray("missing");
        missing.forEach(g -> record(miss, g.key(), g.why()));
        ArrayNode extra = root.putArray("unexpected");
        unexpected.forEach(g -> record(extra, g.key(), g.why()));
        return root;
    }

    private static ObjectNode record(ArrayNode into, RecordKey key, Explanation why) {
        return into.addObject().put("record", key.toString()).put("topic", key.topic()).put("level", key.level())
                .put("region", key.region()).put("route_id", key.route()).put("category", key.category())
                .put("window", key.window()).put("window_start", Instant.ofEpochMilli(key.start()).toString())
                .put("explained_by_late_records", why.lateRecords())
                .put("equals_recomputation_without_some_of_them", why.confirmed());
    }

    private static String text(Explanation why) {
        if (why.lateRecords() == 0) {
            return "";
        }
        return " (explained by " + why.lateRecords() + (why.lateRecords() == 1 ? " late record" : " late records")
                + (!why.confirmed() ? ")" : why.lateRecords() == 1 ? "; without it, exactly as recomputed)"
                : "; without some or all of them, exactly as recomputed)");
    }
}
