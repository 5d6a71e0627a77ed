package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.family.KpiFamily;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The part every KPI family shares: its declaration and an exact aggregate (empty value, how an event adds
 * to it, how two merge, its store serde). Families add how to read an event and what to emit.
 */
abstract class CountingKpi<E, A, OUT extends SpecificRecord> implements WindowedKpi<E, A, OUT> {

    private final KpiFamily<OUT> family;
    private final A empty;
    private final BiFunction<A, E, A> adder;
    private final BinaryOperator<A> merger;
    private final Serde<A> serde;

    CountingKpi(KpiFamily<OUT> family, A empty, BiFunction<A, E, A> adder, BinaryOperator<A> merger, Serde<A> serde) {
        this.family = family;
        this.empty = empty;
        this.adder = adder;
        this.merger = merger;
        this.serde = serde;
    }

    @Override
    public final KpiFamily<OUT> family() {
        return family;
    }

    @Override
    public final A empty() {
        return empty;
    }

    @Override
    public final A add(A aggregate, E event) {
        return adder.apply(aggregate, event);
    }

    @Override
    public final A merge(A left, A right) {
        return merger.apply(left, right);
    }

    @Override
    public final Serde<A> aggregateSerde() {
        return serde;
    }
}
