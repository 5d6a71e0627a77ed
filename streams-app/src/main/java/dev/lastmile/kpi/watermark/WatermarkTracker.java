package dev.lastmile.kpi.watermark;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The watermark of one downstream task: the minimum event-time progress over every input partition
 * that feeds it, so a fast partition never makes a slow one's records late.
 *
 * <p>Progress comes from markers the upstream tasks send to every downstream partition ("source
 * partition P has reached event time T"). A source whose progress has not advanced for
 * {@code idleTimeoutMs} of wall-clock time is idle and stops holding the watermark back; when it
 * advances again it counts again. When every source is idle the watermark stays where it is.
 * The watermark never goes back.
 *
 * <p>Pure logic: the processor persists {@link #progress()} and the watermark in a state store;
 * wall-clock times stay in memory, so after a restart every source gets a fresh idle timeout.
 */
public final class WatermarkTracker {

    private final long idleTimeoutMs;
    private final Map<String, Long> progress = new HashMap<>();
    private final Map<String, Long> lastAdvanceWallMs = new HashMap<>();
    private long watermark;

    /**
     * @param expectedSources sources known to feed this task (e.g. "lastmile.delivery-events:0");
     *                        a source that sent nothing yet holds the watermark until it is idle
     * @param restoredProgress progress read back from the state store
     * @param restoredWatermark watermark read back from the state store, or Long.MIN_VALUE
     */
    public WatermarkTracker(Set<String> expectedSources, Map<String, Long> restoredProgress, long restoredWatermark,
                            long idleTimeoutMs, long wallNowMs) {
        this.idleTimeoutMs = idleTimeoutMs;
        this.watermark = restoredWatermark;
        for (String source : expectedSources) {
            progress.put(source, Long.MIN_VALUE);
            lastAdvanceWallMs.put(source, wallNowMs);
        }
        restoredProgress.forEach((source, time) -> {
            progress.merge(source, time, Math::max);
            lastAdvanceWallMs.put(source, wallNowMs);
        });
    }

    /**
     * Records that {@code source} has reached {@code eventTimeMs}.
     * @return true when the source's progress advanced (and so must be persisted)
     */
    public boolean observe(String source, long eventTimeMs, long wallNowMs) {
        long old = progress.getOrDefault(source, Long.MIN_VALUE);
        if (!progress.containsKey(source) || eventTimeMs > old) {
            progress.put(source, Math.max(old, eventTimeMs));
            lastAdvanceWallMs.put(source, wallNowMs);
            return eventTimeMs > old;
        }
        return false;
    }

    /** Recomputes the watermark at this wall-clock time and returns it (never lower than before). */
    public long advance(long wallNowMs) {
        long min = Long.MAX_VALUE;
        boolean anyActive = false;
        for (Map.Entry<String, Long> e : progress.entrySet()) {
            boolean idle = wallNowMs - lastAdvanceWallMs.get(e.getKey()) >= idleTimeoutMs;
            if (!idle) {
                anyActive = true;
                min = Math.min(min, e.getValue());
            }
        }
        if (anyActive && min > watermark) {
            watermark = min;
        }
        return watermark;
    }

    public long watermark() {
        return watermark;
    }

    public Map<String, Long> progress() {
        return Map.copyOf(progress);
    }
}
