package dev.lastmile.kpi.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a record that late records explain is exactly the recomputation with some of them left out: a
 * late record is never in its closed windows but may be in rolling windows that were still open, so each
 * subset of the late records in the window is tried (all of them first), up to {@link #MAX_LATE_RECORDS}.
 */
final class LateCheck {

    static final int MAX_LATE_RECORDS = 6;
    private static final int CACHED_RECOMPUTATIONS = 64;

    private final HistoryEvents history;
    private final ExpectedKpis.Settings settings;
    private final LateRecords late;
    /** topic + left-out lines -> that family's recomputation (least recently used dropped first). */
    private final Map<String, Map<RecordKey, Map<String, Object>>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<RecordKey, Map<String, Object>>> eldest) {
            return size() > CACHED_RECOMPUTATIONS;
        }
    };

    LateCheck(HistoryEvents history, ExpectedKpis.Settings settings, LateRecords late) {
        this.history = history;
        this.settings = settings;
        this.late = late;
    }

    /** @param got the final record, or null when there is none */
    boolean confirms(RecordKey key, JsonNode got) {
        List<Long> lines = late.linesExplaining(key);
        if (lines.isEmpty() || lines.size() > MAX_LATE_RECORDS) {
            return false;
        }
        for (int subset = (1 << lines.size()) - 1; subset > 0; subset--) {
            Set<Long> leftOut = new TreeSet<>();
            for (int i = 0; i < lines.size(); i++) {
                if ((subset & (1 << i)) != 0) {
                    leftOut.add(lines.get(i));
                }
            }
            Map<String, Object> want = cache.computeIfAbsent(key.topic() + leftOut,
                    k -> ExpectedKpis.family(key.topic(), history.without(leftOut), settings)).get(key);
            if (got == null ? want == null : want != null && Comparison.differingFields(want, got).isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
