package dev.lastmile.kpi.kpi;

import dev.lastmile.kpi.avro.AlertKpi;
import dev.lastmile.kpi.avro.AlertState;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.KpiAlert;
import dev.lastmile.kpi.avro.SupportKpi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The contract's alert rules: which KPI of which final hourly region record is checked, against
 * which target, in which direction; and when a change of state is worth a record. Pure functions.
 */
public final class AlertRules {

    /** Default targets: at least (rates) or at most (minutes, cents). */
    public static final Map<AlertKpi, Double> DEFAULT_TARGETS = Map.of(
            AlertKpi.ON_TIME_RATE, 0.93,
            AlertKpi.FIRST_CONTACT_RESOLUTION, 0.82,
            AlertKpi.AVG_RESOLUTION_MINUTES, 240.0,
            AlertKpi.COST_PER_DELIVERY_CENTS, 750.0);

    /** One KPI value of one window, with its sample size. */
    public record Observation(AlertKpi kpi, String region, double value, long samples, long windowStart,
                              long windowEnd) {
    }

    private AlertRules() {
    }

    public static boolean higherIsBetter(AlertKpi kpi) {
        return kpi == AlertKpi.ON_TIME_RATE || kpi == AlertKpi.FIRST_CONTACT_RESOLUTION;
    }

    public static boolean breaches(AlertKpi kpi, double value, double target) {
        return higherIsBetter(kpi) ? value < target : value > target;
    }

    /** The alerting KPIs of a final hourly delivery record. */
    public static List<Observation> of(DeliveryKpi k) {
        List<Observation> out = new ArrayList<>();
        long start = k.getWindowStart().toEpochMilli();
        long end = k.getWindowEnd().toEpochMilli();
        add(out, AlertKpi.ON_TIME_RATE, k.getRegion(), k.getOnTimeRate(), k.getDeliveries(), start, end);
        add(out, AlertKpi.COST_PER_DELIVERY_CENTS, k.getRegion(), k.getCostPerDeliveryCents(), k.getDeliveries(),
                start, end);
        return out;
    }

    /** The alerting KPIs of a final hourly support record of a region (category null). */
    public static List<Observation> of(SupportKpi k) {
        List<Observation> out = new ArrayList<>();
        long start = k.getWindowStart().toEpochMilli();
        long end = k.getWindowEnd().toEpochMilli();
        add(out, AlertKpi.FIRST_CONTACT_RESOLUTION, k.getRegion(), k.getFirstContactResolutionRate(),
                k.getResolved(), start, end);
        add(out, AlertKpi.AVG_RESOLUTION_MINUTES, k.getRegion(), k.getAvgResolutionMinutes(), k.getResolved(),
                start, end);
        return out;
    }

    private static void add(List<Observation> out, AlertKpi kpi, String region, Double value, long samples,
                            long start, long end) {
        if (value != null) {
            out.add(new Observation(kpi, region, value, samples, start, end));
        }
    }

    /**
     * The alert to emit for an observation, if its state changes.
     *
     * @param firing  whether the alert of this KPI and region is firing now
     * @param targets target overrides: key {@code <kpi>:<region>} first, then {@code <kpi>}
     */
    public static Optional<KpiAlert> evaluate(Observation o, boolean firing, Function<String, Double> targets,
                                              long minSamples) {
        if (o.samples() < minSamples) {
            return Optional.empty();
        }
        double target = target(o.kpi(), o.region(), targets);
        boolean breach = breaches(o.kpi(), o.value(), target);
        if (breach == firing) {
            return Optional.empty();
        }
        return Optional.of(alert(o, target, breach ? AlertState.FIRING : AlertState.RESOLVED).build());
    }

    /** How far ahead and how sure a prediction must be (alert.forecast.horizon, alert.forecast.confidence). */
    public record Forecasting(int horizonHours, double confidence) {
    }

    /**
     * The alert to emit for an observation, predictions included: FIRING and RESOLVED of real breaches
     * exactly as {@link #evaluate(Observation, boolean, Function, long)}; on a judged final that does
     * not breach, PREDICTED when the forecast starts crossing the target and RESOLVED when it stops.
     *
     * @param current the alert's state now
     * @param history the recent judged finals' values, oldest first, this observation's last
     */
    public static Optional<KpiAlert> evaluate(Observation o, AlertState current, List<Double> history,
                                              Forecasting forecasting, Function<String, Double> targets,
                                              long minSamples) {
        boolean firing = current == AlertState.FIRING;
        Optional<KpiAlert> real = evaluate(o, firing, targets, minSamples);
        if (real.isPresent() || firing || o.samples() < minSamples) {
            return real; // a real change, a breach still firing, or an hour too thin to judge
        }
        double target = target(o.kpi(), o.region(), targets);
        Optional<BreachForecast.Breach> ahead = BreachForecast.firstBreach(history, higherIsBetter(o.kpi()), target,
                forecasting.horizonHours(), forecasting.confidence());
        if (ahead.isPresent() == (current == AlertState.PREDICTED)) {
            return Optional.empty();
        }
        return Optional.of(ahead.map(b -> alert(o, target, AlertState.PREDICTED).setForecast(b.forecast())
                .setHorizonHours(b.hoursAhead()).build()).orElseGet(() -> alert(o, target, AlertState.RESOLVED).build()));
    }

    private static KpiAlert.Builder alert(Observation o, double target, AlertState state) {
        return KpiAlert.newBuilder().setKpi(o.kpi()).setRegion(o.region()).setState(state).setValue(o.value())
                .setTarget(target).setWindowStart(Instant.ofEpochMilli(o.windowStart()))
                .setWindowEnd(Instant.ofEpochMilli(o.windowEnd())).setSamples(o.samples());
    }

    /** The target of a KPI in a region: override for the region, then for the KPI, then the default. */
    public static double target(AlertKpi kpi, String region, Function<String, Double> targets) {
        Double specific = targets.apply(kpi + ":" + region);
        if (specific != null) {
            return specific;
        }
        Double general = targets.apply(kpi.name());
        return general != null ? general : DEFAULT_TARGETS.get(kpi);
    }
}
