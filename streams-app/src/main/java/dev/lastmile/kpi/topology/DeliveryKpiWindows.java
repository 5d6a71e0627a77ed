package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.kpi.DeliveryCounts;
import dev.lastmile.kpi.kpi.DeliveryKpis;
import dev.lastmile.kpi.watermark.Envelope;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KeyValue;

/** Delivery KPIs per region: terminal events, counted by their event time. */
final class DeliveryKpiWindows extends CountingKpi<DeliveryEvent, DeliveryCounts, DeliveryKpi> {

    static final String NAME = KpiFamilies.DELIVERY.name();

    private static final Serde<DeliveryCounts> COUNTS_SERDE = CountsSerde.longsOnly(7,
            c -> new long[] {c.deliveries(), c.delivered(), c.failed(), c.onTime(), c.lateDelivered(),
                c.delaySumMillis(), c.costCents()},
            v -> new DeliveryCounts(v[0], v[1], v[2], v[3], v[4], v[5], v[6]));

    private final Deserializer<DeliveryEvent> decoder;

    DeliveryKpiWindows(Deserializer<DeliveryEvent> decoder) {
        super(KpiFamilies.DELIVERY, DeliveryCounts.EMPTY, DeliveryCounts::add, DeliveryCounts::merge, COUNTS_SERDE);
        this.decoder = decoder;
    }

    @Override
    public DeliveryEvent decode(Envelope.Data data) {
        return decoder.deserialize(data.source(), data.rawValue());
    }

    @Override
    public long eventTime(DeliveryEvent event) {
        return event.getEventTime().toEpochMilli();
    }

    @Override
    public List<String> groups(DeliveryEvent event) {
        return List.of(event.getRegion());
    }

    @Override
    public KeyValue<String, DeliveryKpi> output(String group, WindowKind window, long start, long end,
                                                DeliveryCounts counts, boolean isFinal) {
        return KeyValue.pair(KpiKeys.of(group, window, start),
                DeliveryKpis.of(group, window, start, end, isFinal, counts));
    }
}
