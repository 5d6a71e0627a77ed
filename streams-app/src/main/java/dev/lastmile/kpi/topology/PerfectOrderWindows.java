package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.PerfectOrderKpi;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.kpi.PerfectOrderCounts;
import dev.lastmile.kpi.kpi.PerfectOrderKpis;
import dev.lastmile.kpi.kpi.PerfectOrderObservation;
import dev.lastmile.kpi.watermark.Envelope;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;

/** Perfect orders per region: the perfect-order join's observations, counted at their delivery's time. */
final class PerfectOrderWindows extends CountingKpi<PerfectOrderObservation, PerfectOrderCounts, PerfectOrderKpi> {

    static final String NAME = KpiFamilies.PERFECT_ORDER.name();

    private static final Serde<PerfectOrderCounts> COUNTS_SERDE = CountsSerde.longsOnly(3,
            c -> new long[] {c.deliveries(), c.onTimeDelivered(), c.complained()},
            v -> new PerfectOrderCounts(v[0], v[1], v[2]));

    PerfectOrderWindows() {
        super(KpiFamilies.PERFECT_ORDER, PerfectOrderCounts.EMPTY, PerfectOrderCounts::add, PerfectOrderCounts::merge,
                COUNTS_SERDE);
    }

    @Override
    public PerfectOrderObservation decode(Envelope.Data data) {
        return PerfectOrderObservation.decode(data.payload());
    }

    @Override
    public long eventTime(PerfectOrderObservation o) {
        return o.timeMs();
    }

    @Override
    public List<String> groups(PerfectOrderObservation o) {
        return List.of(o.region());
    }

    @Override
    public KeyValue<String, PerfectOrderKpi> output(String group, WindowKind window, long start, long end,
                                                    PerfectOrderCounts counts, boolean isFinal) {
        return KeyValue.pair(KpiKeys.of(group, window, start),
                PerfectOrderKpis.of(group, window, start, end, isFinal, counts));
    }
}
