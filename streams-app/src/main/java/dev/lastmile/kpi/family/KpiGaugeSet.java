package dev.lastmile.kpi.family;

import dev.lastmile.kpi.avro.WindowKind;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;

/**
 * How a KPI family's records show on /metrics: which records have gauges, the window each record is
 * of, and one gauge per KPI (labels region and window, and a bounded breakdown label such as the
 * ticket category where the window names one; names and help are the metrics contract that the
 * Prometheus rules and Grafana dashboards in deploy/ read).
 *
 * @param label  the family's value of the {@code kpi} label (e.g. on the last-update timestamp); the
 *               sets of one family share it
 * @param shown  which records have gauges (e.g. region-level ones, not per category or per route)
 * @param window the record's region and window
 * @param gauges one per KPI
 * @param <V>    the family's output record
 */
public record KpiGaugeSet<V extends SpecificRecord>(String label, Predicate<V> shown, Function<V, Window> window,
                                                    List<Gauge<V>> gauges) {

    /**
     * A record's place on the gauges: its region's series of one window kind, and whether it is final;
     * {@code labels}: further labels of bounded values (e.g. {@code category}), the same keys for
     * every record of the set.
     */
    public record Window(String region, WindowKind kind, Instant start, boolean isFinal,
                         java.util.Map<String, String> labels) {
        public Window {
            labels = java.util.Map.copyOf(labels);
        }

        public Window(String region, WindowKind kind, Instant start, boolean isFinal) {
            this(region, kind, start, isFinal, java.util.Map.of());
        }
    }

    /** One KPI's gauge: a null value (the contract's null for a zero denominator) shows as NaN. */
    public record Gauge<V>(String name, String help, Function<V, Double> value) {
    }

    public static <V> Gauge<V> gauge(String name, String help, Function<V, Double> value) {
        return new Gauge<>(name, help, value);
    }

    /** A count field as a gauge value. */
    public static <V> Gauge<V> count(String name, String help, Function<V, ? extends Number> value) {
        return new Gauge<>(name, help, v -> value.apply(v).doubleValue());
    }

    /** A duration field the contract gives in minutes, as a gauge in base units (seconds). */
    public static <V> Gauge<V> minutesAsSeconds(String name, String help, Function<V, Double> minutes) {
        return new Gauge<>(name, help, v -> {
            Double m = minutes.apply(v);
            return m == null ? null : m * 60;
        });
    }
}
