package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.metrics.WatermarkMetrics;
import dev.lastmile.kpi.watermark.Envelope;
import dev.lastmile.kpi.watermark.WatermarkTracker;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The "wait for the other side" stage of a join task, apart from what the join does: how far each side
 * has come, and the marker the task sends downstream for itself.
 *
 * <p>A join task reads its own side (deliveries, read in this very task) and the other side (tickets,
 * repartitioned onto it, with their sources' progress markers). The other side's watermark is the
 * minimum over its sources; the own side's progress is the newest event time seen. Both are kept in
 * the task's progress store, so a restarted or moved task resumes them. Downstream windows must not
 * close over what the join still waits for, so the task reports its own progress as one source,
 * {@code <stage>:<partition>}: whatever value the join says it can vouch for ({@link #report}), sent at
 * most once per marker interval step, and on every punctuation even unchanged (it says the task lives).
 */
final class JoinProgress {

    private static final String OWN_SIDE_KEY = "__delivery_max__";

    private final String stage;
    private final Set<String> otherSources;
    private final long stallTimeoutMs;
    private final long markerIntervalMs;
    private final WatermarkMetrics metrics;
    private KeyValueStore<String, Long> store;
    private WatermarkTracker other;
    private WatermarkWatch watch;
    private String source;
    private long ownMax;
    private long sent;

    JoinProgress(String stage, Set<String> otherSources, Timings timings, WatermarkMetrics metrics) {
        this.stage = stage;
        this.otherSources = otherSources;
        this.stallTimeoutMs = timings.stallTimeout().toMillis();
        this.markerIntervalMs = timings.markerInterval().toMillis();
        this.metrics = metrics;
    }

    /** The marker source name of one task of a join stage. */
    static String source(String stage, int partition) {
        return stage + ":" + partition;
    }

    /** Restores both sides' progress from the store; the own marker starts over (the task re-reads its input). */
    void init(ProcessorContext<?, ?> context, KeyValueStore<String, Long> progressStore) {
        this.store = progressStore;
        this.source = source(stage, context.taskId().partition());
        this.sent = Long.MIN_VALUE;
        Map<String, Long> restored = new HashMap<>();
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(kv -> restored.put(kv.key, kv.value));
        }
        Long max = restored.remove(OWN_SIDE_KEY);
        ownMax = max == null ? Long.MIN_VALUE : max;
        long wallNow = context.currentSystemTimeMs();
        Long watermark = restored.remove(WindowedKpiProcessor.WATERMARK_KEY);
        other = new WatermarkTracker(otherSources, restored, watermark == null ? Long.MIN_VALUE : watermark,
                stallTimeoutMs, wallNow);
        watch = new WatermarkWatch(stage, context.taskId().partition(), metrics, wallNow);
    }

    /** An own-side event or marker at {@code time}; true if the own side moved ahead. */
    boolean ownSideAt(long time) {
        if (time <= ownMax) {
            return false;
        }
        ownMax = time;
        store.put(OWN_SIDE_KEY, time);
        return true;
    }

    long ownSide() {
        return ownMax;
    }

    /** A progress marker of the other side. */
    void otherSideMarker(Envelope.Marker marker, long wallNow) {
        if (other.observe(marker.source(), marker.eventTimeMs(), wallNow)) {
            store.put(marker.source(), marker.eventTimeMs());
        }
        advance(wallNow);
    }

    /** Recomputes the other side's watermark at this wall-clock time (a stalled source stops holding it). */
    void advance(long wallNow) {
        long before = other.watermark();
        if (other.advance(wallNow) != before) {
            store.put(WindowedKpiProcessor.WATERMARK_KEY, other.watermark());
        }
    }

    long otherSide() {
        return other.watermark();
    }

    /** On a punctuation: metrics and logs on who holds the other side. */
    void watch(long wallNow) {
        watch.report(other, wallNow);
    }

    void close() {
        watch.close();
    }

    /**
     * The marker to send for this task's own progress {@code value}, or null when there is nothing new to
     * say: the value went back, did not cross a marker-interval step, or is unknown. On a punctuation
     * ({@code flush}) it is sent even unchanged.
     */
    Envelope.Marker report(long value, boolean flush) {
        if (value == Long.MIN_VALUE || value < sent || value == sent && !flush) {
            return null;
        }
        boolean step = sent == Long.MIN_VALUE || value == Long.MAX_VALUE
                || Math.floorDiv(value, markerIntervalMs) > Math.floorDiv(sent, markerIntervalMs);
        if (!step && !flush) {
            return null;
        }
        sent = value;
        return new Envelope.Marker(source, value);
    }
}
