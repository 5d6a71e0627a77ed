package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.metrics.WatermarkMetrics;
import dev.lastmile.kpi.watermark.WatermarkTracker;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says who holds a task's watermark and for how long: metrics on every punctuation, a log line
 * once a minute while the watermark has not moved for a minute (normal while a partition catches
 * up or a task restores, so INFO), and a WARN when the stall timeout stops waiting for a source
 * (from then on its records may be late).
 */
final class WatermarkWatch {

    private static final Logger LOG = LoggerFactory.getLogger(WatermarkWatch.class);
    private static final long REPORT_EVERY_MS = 60_000;
    private static final long REPORT_EVERY_NANOS = REPORT_EVERY_MS * 1_000_000;

    private final String stage;
    private final int task;
    private final WatermarkMetrics metrics;
    private final Set<String> stalled = new HashSet<>();
    private long lastWatermark = Long.MIN_VALUE;
    private long lastMovedWall;
    /** Logs also go by the machine's clock: replay's wall clock runs at event-time speed. */
    private long lastMovedNanos;
    private long lastLoggedNanos;

    WatermarkWatch(String stage, int task, WatermarkMetrics metrics, long wallNow) {
        this.stage = stage;
        this.task = task;
        this.metrics = metrics;
        this.lastMovedWall = wallNow;
        this.lastMovedNanos = System.nanoTime();
        this.lastLoggedNanos = lastMovedNanos;
    }

    void report(WatermarkTracker tracker, long wallNow) {
        Map<String, Long> silence = new TreeMap<>();
        for (String source : tracker.sources()) {
            silence.put(source, tracker.silenceMs(source, wallNow));
            boolean isStalled = tracker.isStalled(source, wallNow);
            if (isStalled && stalled.add(source)) {
                LOG.warn("{} task {}: input {} has sent no progress for {}; the watermark no longer waits for it "
                        + "(watermark.stall.timeout), so its records may arrive late", stage, task, source,
                        Duration.ofMillis(silence.get(source)));
            } else if (!isStalled && stalled.remove(source)) {
                LOG.info("{} task {}: input {} reports progress again and holds the watermark again", stage, task, source);
            }
        }
        metrics.stage(stage, task, tracker.watermark(), silence, stalled.size());
        if (tracker.watermark() != lastWatermark) {
            lastWatermark = tracker.watermark();
            lastMovedWall = wallNow;
            lastMovedNanos = System.nanoTime();
        } else if (wallNow - lastMovedWall >= REPORT_EVERY_MS && System.nanoTime() - lastMovedNanos >= REPORT_EVERY_NANOS
                && System.nanoTime() - lastLoggedNanos >= REPORT_EVERY_NANOS) {
            lastLoggedNanos = System.nanoTime();
            tracker.holder(wallNow).ifPresent(h -> LOG.info("{} task {}: watermark {} held for {} by input {} at {} "
                    + "(silent for {})", stage, task, show(tracker.watermark()), Duration.ofMillis(wallNow - lastMovedWall),
                    h.getKey(), show(h.getValue()), Duration.ofMillis(silence.getOrDefault(h.getKey(), 0L))));
        }
    }

    void close() {
        metrics.forgetStage(stage, task);
    }

    private static String show(long time) {
        return time == Long.MIN_VALUE ? "(nothing yet)" : time == Long.MAX_VALUE ? "(end of input)"
                : Instant.ofEpochMilli(time).toString();
    }
}
