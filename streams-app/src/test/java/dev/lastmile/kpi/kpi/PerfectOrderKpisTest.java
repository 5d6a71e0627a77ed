package dev.lastmile.kpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.PerfectOrderKpi;
import dev.lastmile.kpi.avro.WindowKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The perfect-order counts and formula, without Kafka. */
class PerfectOrderKpisTest {

    private static final Instant T = Instant.parse("2026-11-02T08:20:00Z");

    private static DeliveryEvent delivery(DeliveryStatus status, Instant promised) {
        return DeliveryEvent.newBuilder().setEventId("e").setDeliveryId("d").setRouteId("r").setDriverId("x")
                .setRegion("west").setStatus(status).setEventTime(T).setPromisedBy(promised).setCostCents(1).build();
    }

    @Test
    void shouldCountADeliveryAndALaterComplaintAsACorrectionOfIt() {
        PerfectOrderObservation onTime = PerfectOrderObservation.delivery(delivery(DeliveryStatus.DELIVERED, T), false);
        PerfectOrderObservation lateOne = PerfectOrderObservation.delivery(delivery(DeliveryStatus.DELIVERED, T.minusSeconds(1)), false);
        PerfectOrderObservation failed = PerfectOrderObservation.delivery(delivery(DeliveryStatus.FAILED, T.plusSeconds(60)), false);
        PerfectOrderObservation spoiledAtOnce = PerfectOrderObservation.delivery(delivery(DeliveryStatus.DELIVERED, T), true);
        assertThat(onTime.perfectSoFar()).isTrue(); // promised_by == event_time is on time
        assertThat(lateOne.perfectSoFar()).isFalse();
        assertThat(failed.perfectSoFar()).isFalse();
        assertThat(spoiledAtOnce.perfectSoFar()).isFalse();

        PerfectOrderCounts counts = PerfectOrderCounts.EMPTY.add(onTime).add(lateOne).add(failed).add(spoiledAtOnce)
                .add(PerfectOrderObservation.complaintFor("west", T.toEpochMilli()));
        assertThat(counts).isEqualTo(new PerfectOrderCounts(4, 2, 2));
        assertThat(counts.merge(new PerfectOrderCounts(4, 4, 0))).isEqualTo(new PerfectOrderCounts(8, 6, 2));

        PerfectOrderKpi k = PerfectOrderKpis.of("west", WindowKind.HOURLY, 0, 3_600_000, true,
                counts.merge(new PerfectOrderCounts(4, 4, 0)));
        assertThat(k.getPerfect()).isEqualTo(4);
        assertThat(k.getPerfectOrderRate()).isEqualTo(0.5);
        assertThat(PerfectOrderKpis.of("west", WindowKind.HOURLY, 0, 1, false, PerfectOrderCounts.EMPTY)
                .getPerfectOrderRate()).isNull();
    }
}
