package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import dev.lastmile.kpi.kpi.BreachForecast;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A KPI's recent judged hourly finals in a region, what its breach forecast reads. Kept in the
 * alert state store next to the state, under {@link #key}, as a versioned payload in Base64 (the
 * store's values are strings, so the store and its changelog keep their names and serdes).
 *
 * @param lastWindowEnd end of the newest window kept; the next one must start there to extend the history
 * @param values        the windows' values, oldest first, at most {@link BreachForecast#MAX_HISTORY}
 */
record AlertHistory(long lastWindowEnd, List<Double> values) {

    static final AlertHistory EMPTY = new AlertHistory(Long.MIN_VALUE, List.of());
    private static final String FORMAT = "alert-history";
    private static final int VERSION = 1;
    private static final String KEY_SUFFIX = "|history";

    AlertHistory {
        values = List.copyOf(values);
    }

    /** The store key of the history of an alert's key {@code <kpi>:<region>}. */
    static String key(String alertKey) {
        return alertKey + KEY_SUFFIX;
    }

    static boolean isHistoryKey(String storeKey) {
        return storeKey.endsWith(KEY_SUFFIX);
    }

    /** With one more window; a gap (an hour not judged) starts afresh, as the trend across it is unknown. */
    AlertHistory append(long windowStart, long windowEnd, double value) {
        List<Double> next = new ArrayList<>(windowStart == lastWindowEnd ? values : List.of());
        next.add(value);
        int drop = Math.max(0, next.size() - BreachForecast.MAX_HISTORY);
        return new AlertHistory(windowEnd, next.subList(drop, next.size()));
    }

    /** Only this window: the hours of a breach say nothing of the recovered KPI's trend. */
    static AlertHistory startingAt(long windowEnd, double value) {
        return new AlertHistory(windowEnd, List.of(value));
    }

    String encode() {
        PayloadWriter w = PayloadWriter.version(VERSION).writeLong(lastWindowEnd).writeInt(values.size());
        values.forEach(v -> w.writeLong(Double.doubleToLongBits(v)));
        return Base64.getEncoder().encodeToString(w.toBytes());
    }

    static AlertHistory decode(String stored) {
        if (stored == null) {
            return EMPTY;
        }
        PayloadReader r = PayloadReader.open(FORMAT, Base64.getDecoder().decode(stored));
        if (r.version() != VERSION) {
            throw r.unsupportedVersion();
        }
        long lastWindowEnd = r.readLong();
        int size = r.readInt();
        if (size < 0 || size > BreachForecast.MAX_HISTORY) {
            throw r.corrupt("history of " + size + " values");
        }
        List<Double> values = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            values.add(Double.longBitsToDouble(r.readLong()));
        }
        r.end();
        return new AlertHistory(lastWindowEnd, values);
    }
}
