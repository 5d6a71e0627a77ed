package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.WindowKind;

/**
 * The contract's windows, in epoch millis UTC. Every window is made of whole hours: HOURLY is one
 * hour, ROLLING_24H the 24 hours ending at its end. Aggregates are therefore kept per hour
 * ("buckets") and rolling windows are sums of 24 buckets.
 */
public final class TimeWindows {

    public static final long HOUR_MS = 3_600_000L;
    public static final long DAY_MS = 24 * HOUR_MS;

    private TimeWindows() {
    }

    /** Start of the hour containing {@code t}. */
    public static long hourOf(long t) {
        return Math.floorDiv(t, HOUR_MS) * HOUR_MS;
    }

    public static long size(WindowKind kind) {
        return kind == WindowKind.HOURLY ? HOUR_MS : DAY_MS;
    }

    /** A window closes when the watermark reaches {@code end + grace}. */
    public static boolean isClosed(long windowEnd, long graceMs, long watermark) {
        return watermark != Long.MIN_VALUE && saturatedAdd(windowEnd, graceMs) <= watermark;
    }

    /** The last window that contains hour {@code bucketHour} is the rolling one ending 24 h later. */
    public static long lastWindowEnd(long bucketHour) {
        return bucketHour + DAY_MS;
    }

    public static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }
}
