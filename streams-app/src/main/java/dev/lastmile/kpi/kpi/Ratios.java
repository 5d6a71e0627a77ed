package dev.lastmile.kpi.kpi;

/** Rates and means as the contract defines them: a zero denominator gives null, never 0 or NaN. */
public final class Ratios {

    private Ratios() {
    }

    public static Double ratio(long numerator, long denominator) {
        return denominator == 0 ? null : (double) numerator / denominator;
    }

    /** Mean of a sum of milliseconds over {@code count}, in minutes. */
    public static Double meanMinutes(long sumMillis, long count) {
        return count == 0 ? null : sumMillis / 60_000.0 / count;
    }
}
