package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.family.KpiFamily;
import dev.lastmile.kpi.watermark.Envelope;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;

/**
 * One family of windowed KPIs, as pure functions: which series (groups) an event belongs to, how
 * events add up into an hourly aggregate, how aggregates merge into a rolling window, and the
 * output record. {@link WindowedKpiProcessor} does the windows, the watermark and the emission.
 *
 * @param <E>   input event
 * @param <A>   exact, mergeable aggregate of one group and hour
 * @param <OUT> output record
 */
public interface WindowedKpi<E, A, OUT extends SpecificRecord> {

    /** The family this stage computes: its name, output topic and alerts. */
    KpiFamily<OUT> family();

    /** Short name: prefix of the processor, its stores and its repartition topic. */
    default String name() {
        return family().name();
    }

    /** The event an accepted record stands for: its original value, or a payload derived upstream. */
    E decode(Envelope.Data data);

    /** Which windows this family emits. */
    default Set<WindowKind> windows() {
        return Set.of(WindowKind.HOURLY, WindowKind.ROLLING_24H);
    }

    long eventTime(E event);

    /** The KPI series the event counts in, e.g. its region; all must share the partition key. */
    List<String> groups(E event);

    A empty();

    A add(A aggregate, E event);

    A merge(A left, A right);

    Serde<A> aggregateSerde();

    KeyValue<String, OUT> output(String group, WindowKind window, long start, long end, A aggregate, boolean isFinal);

    /**
     * The summary a group rolls up into (e.g. a route's region), or null for none. Groups of
     * summary S must be named {@code S|...}, so they can be found by prefix.
     */
    default String summaryOf(String group) {
        return null;
    }

    /** Summary records of one window over every group of it (recomputed whole, so always consistent). */
    default List<KeyValue<String, OUT>> summarize(String summary, WindowKind window, long start, long end,
                                                  Map<String, A> groups, boolean isFinal) {
        return List.of();
    }
}
