package dev.lastmile.kpi.watermark;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The watermark of one downstream task: the minimum event-time progress over every input partition
 * that feeds it, so a fast partition never makes a slow one's records late.
 *
 * <p>Progress comes from markers the upstream tasks send to every downstream partition ("source
 * partition P has reached event time T"). Idleness is never inferred from silence: a source whose
 * gate has caught up with its partition says so itself, by reporting the wall-clock time as its
 * progress (see the input gate), so quiet sources move the watermark on and a silent one holds it.
 * A source that is silent because its task is not running (restoring, migrating, dead, starved)
 * holds the watermark for as long as it is silent, up to {@code stallTimeoutMs} of wall-clock time:
 * a safety valve far longer than any restore, after which it stops holding until it speaks again.
 * The watermark never goes back.
 *
 * <p>Pure logic: the processor persists {@link #progress()} and the watermark in a state store;
 * wall-clock times stay in memory, so after a restart every source gets a fresh stall timeout.
 */
public final class WatermarkTracker {

    private final long stallTimeoutMs;
    private final Map<String, Long> progress = new TreeMap<>();
    private final Map<String, Long> lastHeardWallMs = new HashMap<>();
    private long watermark;

    /**
     * @param expectedSources sources known to feed this task (e.g. "lastmile.delivery-events:0");
     *                        a source that sent nothing yet holds the watermark
     * @param restoredProgress progress read back from the state store
     * @param restoredWatermark watermark read back from the state store, or Long.MIN_VALUE
     */
    public WatermarkTracker(Set<String> expectedSources, Map<String, Long> restoredProgress, long restoredWatermark,
                            long stallTimeoutMs, long wallNowMs) {
        this.stallTimeoutMs = stallTimeoutMs;
        this.watermark = restoredWatermark;
        for (String source : expectedSources) {
            progress.put(source, Long.MIN_VALUE);
            lastHeardWallMs.put(source, wallNowMs);
        }
        restoredProgress.forEach((source, time) -> {
            progress.merge(source, time, Math::max);
            lastHeardWallMs.put(source, wallNowMs);
        });
    }

    /**
     * Records that {@code source} has reached {@code eventTimeMs} (any marker, even one that does
     * not advance, shows the source is alive).
     * @return true when the source's progress advanced (and so must be persisted)
     */
    public boolean observe(String source, long eventTimeMs, long wallNowMs) {
        lastHeardWallMs.put(source, wallNowMs);
        Long old = progress.get(source);
        if (old == null || eventTimeMs > old) {
            progress.put(source, eventTimeMs);
            return true;
        }
        return false;
    }

    /** Recomputes the watermark at this wall-clock time and returns it (never lower than before). */
    public long advance(long wallNowMs) {
        long min = Long.MAX_VALUE;
        boolean anyHolding = false;
        for (Map.Entry<String, Long> e : progress.entrySet()) {
            if (!isStalled(e.getKey(), wallNowMs)) {
                anyHolding = true;
                min = Math.min(min, e.getValue());
            }
        }
        if (anyHolding && min > watermark) {
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

    /** Whether the source has been silent for the stall timeout, so it no longer holds the watermark. */
    public boolean isStalled(String source, long wallNowMs) {
        Long heard = lastHeardWallMs.get(source);
        return heard != null && wallNowMs - heard >= stallTimeoutMs;
    }

    /** Wall-clock milliseconds since the source last sent a marker. */
    public long silenceMs(String source, long wallNowMs) {
        Long heard = lastHeardWallMs.get(source);
        return heard == null ? 0 : Math.max(0, wallNowMs - heard);
    }

    /** The source that holds the watermark now: the slowest that is not stalled (first by name on ties). */
    public Optional<Map.Entry<String, Long>> holder(long wallNowMs) {
        return progress.entrySet().stream().filter(e -> !isStalled(e.getKey(), wallNowMs))
                .min(Map.Entry.comparingByValue());
    }

    public Set<String> sources() {
        return progress.keySet();
    }
}
