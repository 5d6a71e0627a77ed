package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.SupportKpi;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.kpi.SupportCounts;
import dev.lastmile.kpi.kpi.SupportFact;
import dev.lastmile.kpi.kpi.SupportKpis;
import dev.lastmile.kpi.watermark.Envelope;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;

/**
 * Support KPIs per region and per region x category, from the facts the ticket lifecycle derives:
 * each fact counts in its region's series and in its region x category series.
 */
final class SupportKpiWindows extends CountingKpi<SupportFact, SupportCounts, SupportKpi> {

    static final String NAME = KpiFamilies.SUPPORT.name();

    private static final Serde<SupportCounts> SERDE = CountsSerde.longsOnly(9, SupportCounts::longs,
            SupportCounts::of);

    SupportKpiWindows() {
        super(KpiFamilies.SUPPORT, SupportCounts.EMPTY, SupportCounts::add, SupportCounts::merge, SERDE);
    }

    @Override
    public SupportFact decode(Envelope.Data data) {
        return SupportFact.decode(data.payload());
    }

    @Override
    public long eventTime(SupportFact fact) {
        return fact.timeMs();
    }

    @Override
    public List<String> groups(SupportFact fact) {
        return List.of(fact.region(), fact.region() + "|" + fact.category());
    }

    @Override
    public KeyValue<String, SupportKpi> output(String group, WindowKind window, long start, long end,
                                               SupportCounts counts, boolean isFinal) {
        int bar = group.lastIndexOf('|');
        String region = bar < 0 ? group : group.substring(0, bar);
        TicketCategory category = bar < 0 ? null : TicketCategory.valueOf(group.substring(bar + 1));
        return KeyValue.pair(KpiKeys.of(group, window, start),
                SupportKpis.of(region, category, window, start, end, isFinal, counts));
    }
}
