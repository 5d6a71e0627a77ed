package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.WindowKind;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
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
public interface WindowedKpi<E, A, OUT> {

    /** Short name: prefix of the processor, its stores and its repartition topic. */
    String name();

    Deserializer<E> decoder();

    long eventTime(E event);

    /** The KPI series the event counts in, e.g. its region; all must share the partition key. */
    List<String> groups(E event);

    A empty();

    A add(A aggregate, E event);

    A merge(A left, A right);

    Serde<A> aggregateSerde();

    KeyValue<String, OUT> output(String group, WindowKind window, long start, long end, A aggregate, boolean isFinal);
}
