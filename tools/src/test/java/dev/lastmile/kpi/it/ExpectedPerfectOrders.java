package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.PerfectOrderKpi;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.avro.TicketEventType;
import dev.lastmile.kpi.avro.WindowKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Perfect orders per region and hour, counted straight from the contract over the events sent: terminal
 * deliveries, those delivered on time, and of those the ones with no complaint ticket (OPENED, a complaint
 * category, the same delivery id) within 24 h before or after. Independent of the pipeline's code.
 */
final class ExpectedPerfectOrders {

    private static final Set<TicketCategory> COMPLAINTS = Set.of(TicketCategory.LATE_DELIVERY,
            TicketCategory.MISSED_DELIVERY, TicketCategory.DAMAGED, TicketCategory.WRONG_ITEM,
            TicketCategory.DRIVER_CONDUCT);
    private static final long REACH = 24 * ExpectedDeliveryKpis.HOUR;

    private final Set<String> seen = new HashSet<>();
    private final List<DeliveryEvent> deliveries = new ArrayList<>();
    private final Map<String, List<Long>> complaintTimes = new HashMap<>();

    void add(DeliveryEvent d) {
        if (seen.add(d.getEventId()) && (d.getStatus() == DeliveryStatus.DELIVERED || d.getStatus() == DeliveryStatus.FAILED)) {
            deliveries.add(d);
        }
    }

    void add(TicketEvent t) {
        if (seen.add(t.getEventId()) && t.getType() == TicketEventType.OPENED && COMPLAINTS.contains(t.getCategory())
                && t.getDeliveryId() != null) {
            complaintTimes.computeIfAbsent(t.getDeliveryId(), k -> new ArrayList<>()).add(t.getEventTime().toEpochMilli());
        }
    }

    /** region|hour start -> {deliveries, on time delivered, perfect}. */
    Map<String, List<Long>> hourly() {
        Map<String, long[]> counts = new TreeMap<>();
        for (DeliveryEvent d : deliveries) {
            long t = d.getEventTime().toEpochMilli();
            long[] c = counts.computeIfAbsent(d.getRegion() + "|" + (t - Math.floorMod(t, ExpectedDeliveryKpis.HOUR)),
                    k -> new long[3]);
            boolean onTime = d.getStatus() == DeliveryStatus.DELIVERED && t <= d.getPromisedBy().toEpochMilli();
            boolean complained = complaintTimes.getOrDefault(d.getDeliveryId(), List.of()).stream()
                    .anyMatch(c2 -> Math.abs(c2 - t) <= REACH);
            c[0]++;
            c[1] += onTime ? 1 : 0;
            c[2] += onTime && !complained ? 1 : 0;
        }
        Map<String, List<Long>> out = new TreeMap<>();
        counts.forEach((k, c) -> out.put(k, List.of(c[0], c[1], c[2])));
        return out;
    }

    /** The pipeline's hourly finals in the same form, the clock region left out. */
    static Map<String, List<Long>> finals(List<ConsumerRecord<String, PerfectOrderKpi>> records) {
        Map<String, List<Long>> out = new TreeMap<>();
        for (ConsumerRecord<String, PerfectOrderKpi> r : records) {
            PerfectOrderKpi k = r.value();
            if (k.getFinal$() && k.getWindow() == WindowKind.HOURLY
                    && !k.getRegion().equals(ExpectedDeliveryKpis.CLOCK_REGION)) {
                List<Long> previous = out.put(k.getRegion() + "|" + k.getWindowStart().toEpochMilli(),
                        List.of(k.getDeliveries(), k.getOnTimeDelivered(), k.getPerfect()));
                assertThat(previous).as("one final per window").isNull();
            }
        }
        return out;
    }
}
