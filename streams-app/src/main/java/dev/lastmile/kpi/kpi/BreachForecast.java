package dev.lastmile.kpi.kpi;

import java.util.List;
import java.util.Optional;

/**
 * The contract's breach forecast: Holt's linear trend over a KPI's recent hourly finals, and
 * whether it crosses the target within the horizon even at the favourable edge of its band. Pure.
 */
public final class BreachForecast {

    /** Level smoothing: half the weight on the newest hour, so a turn shows within two hours. */
    public static final double ALPHA = 0.5;
    /** Trend smoothing: lower than the level's, so one odd hour does not make a trend. */
    public static final double BETA = 0.3;
    /** Fewest hours to forecast from: two start level and trend, the rest give the errors. */
    public static final int MIN_HISTORY = 5;
    /** Most hours kept: older ones say little of the next three. */
    public static final int MAX_HISTORY = 8;

    /** Level and trend after the last value, and the RMS of the one-hour-ahead errors made on the way. */
    public record Fit(double level, double trend, double errorRms) {
        public double forecast(int hours) {
            return level + hours * trend;
        }
    }

    /** The first hour ahead whose forecast breaches with the confidence asked, and that forecast. */
    public record Breach(int hoursAhead, double forecast) {
    }

    private BreachForecast() {
    }

    /** Holt's linear trend: level starts at the first value, trend at the first difference. */
    public static Fit fit(List<Double> values) {
        if (values.size() < 2) {
            throw new IllegalArgumentException("Holt needs two values, got " + values.size());
        }
        double level = values.get(1);
        double trend = values.get(1) - values.get(0);
        double squares = 0;
        for (int i = 2; i < values.size(); i++) {
            double x = values.get(i);
            double error = x - (level + trend);
            squares += error * error;
            double previous = level;
            level = ALPHA * x + (1 - ALPHA) * (level + trend);
            trend = BETA * (level - previous) + (1 - BETA) * trend;
        }
        int errors = values.size() - 2;
        return new Fit(level, trend, errors == 0 ? 0 : Math.sqrt(squares / errors));
    }

    /**
     * The first of the next {@code horizon} hours at which even the favourable edge of the band,
     * {@code forecast(h) ± z * errorRms * sqrt(h)}, breaches the target; empty with too short a history.
     */
    public static Optional<Breach> firstBreach(List<Double> values, boolean higherIsBetter, double target,
                                               int horizon, double confidence) {
        if (values.size() < MIN_HISTORY || horizon < 1) {
            return Optional.empty();
        }
        Fit fit = fit(values);
        double z = normalQuantile(confidence);
        for (int h = 1; h <= horizon; h++) {
            double band = z * fit.errorRms() * Math.sqrt(h);
            double forecast = fit.forecast(h);
            boolean breach = higherIsBetter ? forecast + band < target : forecast - band > target;
            if (breach) {
                return Optional.of(new Breach(h, forecast));
            }
        }
        return Optional.empty();
    }

    /**
     * The one-sided standard normal quantile of {@code p} in (0.5, 1): Abramowitz and Stegun 26.2.23,
     * error below 4.5e-4, far below what the band's own estimate is worth.
     */
    public static double normalQuantile(double p) {
        if (!(p > 0.5 && p < 1)) {
            throw new IllegalArgumentException("confidence must be in (0.5, 1), got " + p);
        }
        double t = Math.sqrt(-2 * Math.log(1 - p));
        return t - (2.515517 + 0.802853 * t + 0.010328 * t * t)
                / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
    }
}
