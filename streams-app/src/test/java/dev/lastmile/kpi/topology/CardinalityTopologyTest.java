package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.topology.DeliveryKpiTopologyTest.header;
import static dev.lastmile.kpi.topology.TopologyHarness.delivery;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.SurveyKind;
import dev.lastmile.kpi.avro.WindowKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * 50,000 regions once made a 61 MB /metrics and 20,000 one-event regions exhausted a 1 GB heap.
 * Each gate task now admits at most input.max.regions regions and input.max.routes.per.region
 * routes per region; records of further ones go to the DLQ, and the figures of the admitted ones
 * stay exact.
 */
class CardinalityTopologyTest {

    private static DeliveryEvent on(String id, String region, String route, String at, long cost) {
        return DeliveryEvent.newBuilder(delivery(id, region, DELIVERED, at, "08:30", cost)).setRouteId(route).build();
    }

    private static DeliveryKpi hourly(TopologyHarness h, List<DeliveryKpi> all, String region) {
        return TopologyHarness.select(all.stream().filter(k -> k.getRegion().equals(region)).toList(),
                WindowKind.HOURLY, "08:00", true).stream().findFirst().orElse(null);
    }

    @Test
    void shouldSendRecordsOfRegionsBeyondTheBoundToTheDlqAndCountTheAdmittedOnesExactly() {
        try (TopologyHarness h = new TopologyHarness(Map.of("input.max.regions", "4"))) {
            h.advanceTo("08:00"); // region 1: zz-clock
            h.send(on("n1", "north", "n-1", "08:10", 100));
            h.send(on("s1", "south", "s-1", "08:11", 200));
            h.send(on("e1", "east", "e-1", "08:12", 300));
            h.send(on("w1", "west", "w-1", "08:13", 400));   // region 5
            h.send(on("n2", "north", "n-1", "08:14", 500));  // known: counts
            h.send(TopologyHarness.survey("sv1", "west", SurveyKind.CSAT, 5, "08:15")); // own gate: admitted
            h.advanceTo("09:20");

            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8) + ":"
                    + header(r, RecordHeaderNames.DLQ_REASON_CODE)).containsExactly("d-w1:too_many_regions");
            assertThat(header(dead.get(0), RecordHeaderNames.DLQ_REASON)).isEqualTo("region \"west\" would be region"
                    + " 5 of this input partition, more than input.max.regions (4)");
            List<DeliveryKpi> all = h.deliveryKpis.readValuesToList();
            assertThat(hourly(h, all, "north").getCostCents()).isEqualTo(600);
            assertThat(hourly(h, all, "south").getCostCents()).isEqualTo(200);
            assertThat(hourly(h, all, "east").getCostCents()).isEqualTo(300);
            assertThat(all).extracting(DeliveryKpi::getRegion).doesNotContain("west");
            assertThat(h.metrics.registry().find("lastmile.dlq.records").tag("reason", "too_many_regions").counters()
                    .stream().mapToDouble(c -> c.count()).sum()) // every input topic has the series
                    .isEqualTo(1.0);
        }
    }

    @Test
    void shouldSendRecordsOfRoutesBeyondTheBoundPerRegionToTheDlq() {
        try (TopologyHarness h = new TopologyHarness(Map.of("input.max.routes.per.region", "2"))) {
            h.send(on("a", "north", "n-1", "08:10", 100));
            h.send(on("b", "north", "n-2", "08:11", 200));
            h.send(on("c", "north", "n-3", "08:12", 400));  // route 3 of north
            h.send(on("d", "south", "s-1", "08:13", 800));  // another region has its own budget
            h.send(on("e", "north", "n-1", "08:14", 1600));
            h.advanceTo("09:20");

            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8) + ":"
                    + header(r, RecordHeaderNames.DLQ_REASON_CODE)).containsExactly("d-c:too_many_routes");
            assertThat(header(dead.get(0), RecordHeaderNames.DLQ_REASON)).isEqualTo("route_id \"n-3\" would be route 3"
                    + " of region \"north\" on this input partition, more than input.max.routes.per.region (2)");
            List<DeliveryKpi> all = h.deliveryKpis.readValuesToList();
            assertThat(hourly(h, all, "north").getCostCents()).isEqualTo(1900);
            assertThat(hourly(h, all, "south").getCostCents()).isEqualTo(800);
        }
    }

    @Test
    void shouldKeepTheKnownSetAcrossARestartAndForgetNamesQuietForTheRetention() {
        KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("known"),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        long day = 86_400_000L;
        GateLimits limits = new GateLimits(1024, 2, 1, 0);
        KnownKeys first = new KnownKeys(store, limits, 7 * day);
        assertThat(first.admit("north", "n-1", 0)).isEmpty();
        assertThat(first.admit("south", null, day)).isEmpty();

        // A restart (or another instance restoring the changelog) rebuilds the same set from the store.
        KnownKeys restarted = new KnownKeys(store, limits, 7 * day);
        assertThat(restarted.regions()).isEqualTo(2);
        assertThat(restarted.admit("east", null, 2 * day)).get().extracting(r -> r.code()).isEqualTo("too_many_regions");
        assertThat(restarted.admit("north", "n-2", 2 * day)).get().extracting(r -> r.code())
                .isEqualTo("too_many_routes");
        assertThat(restarted.admit("north", "n-1", 2 * day)).isEmpty();

        // At day 8.5 south (last seen on day 1) is older than 7 days; north (day 8.5) is not.
        restarted.admit("north", null, 8 * day + day / 2);
        restarted.forgetOld(0);
        assertThat(restarted.regions()).isEqualTo(1);
        assertThat(restarted.admit("east", null, 9 * day)).isEmpty();
        assertThat(new KnownKeys(store, limits, 7 * day).regions()).isEqualTo(2);

        // The progress the gate reported survives too (its in-memory progress does not), and is never forgotten.
        restarted.reported(5 * day);
        restarted.reported(4 * day);
        restarted.forgetOld(ExpirySweep.MIN_ROUND.toMillis()); // the next round
        assertThat(new KnownKeys(store, limits, 7 * day).reported()).isEqualTo(5 * day);
        assertThat(new KnownKeys(store, limits, 7 * day).regions()).isEqualTo(2);

        store.put("R|bad", new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> new KnownKeys(store, limits, 7 * day)).hasMessageContaining("version 9");
    }
}
