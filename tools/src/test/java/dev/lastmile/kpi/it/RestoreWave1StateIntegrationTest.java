package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.CorrelationLevel;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.SupportKpi;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketChannel;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.avro.TicketEventType;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.topology.TopologyOptions;
import dev.lastmile.kpi.topology.Wave1Encoders;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upgrade from wave 1 (commit 6b748c5) on a real broker: a pipeline runs the first part of a
 * history and stops; the latest value of every key in the changelogs whose format changed (ticket
 * lifecycles, route references, pending complaints with their route observations) is then
 * rewritten in wave 1's format, as a wave-1 deployment would have left it. A new instance with no
 * local state restores from those changelogs and runs the rest of the history. Its final support
 * and route-complaint KPIs equal those of a pipeline that ran the whole history at once, and the
 * figures that depend on the restored state are checked by hand: resolution times need each
 * ticket's restored opening time, and complaints that were waiting for their delivery are
 * attributed to its route, none left UNKNOWN.
 *
 * <p>The gates' event clock is pinned at the history's start: a caught-up gate vouches for "now",
 * which on the real clock would close every window of this old history during the pause.
 */
@Tag("integration")
@Timeout(300)
class RestoreWave1StateIntegrationTest {

    private static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
    private static final int KNOWN = 20;
    private static final int WAITING = 5;
    private static final int TICKETS = 30;
    private static final List<TicketCategory> COMPLAINTS = List.of(TicketCategory.LATE_DELIVERY,
            TicketCategory.MISSED_DELIVERY, TicketCategory.DAMAGED, TicketCategory.WRONG_ITEM,
            TicketCategory.DRIVER_CONDUCT);

    @Test
    void shouldRestoreStateWrittenInWave1FormatsAndFinishTheHistoryAsAnUninterruptedRunWould() throws Exception {
        Map<String, String> settings = Map.of("input.max.future", "3650d");
        try (ItEnvironment restored = new ItEnvironment(SharedBroker.get(), settings);
             ItEnvironment reference = new ItEnvironment(SharedBroker.get(), settings)) {
            restored.createTopics(1);
            reference.createTopics(1);
            produce(reference, firstPart());
            produce(reference, secondPart());
            Map<String, String> expected;
            try (Pipeline whole = new Pipeline(reference.config, options(reference)).start()) {
                expected = asText(finals(reference, Duration.ofSeconds(150)));
                assertThat(whole.failure()).isNull();
            }

            produce(restored, firstPart());
            String app = restored.settings.get("application.id");
            try (Pipeline first = new Pipeline(restored.config, options(restored)).start()) {
                awaitKeys(restored, app + "-ticket-lifecycle-changelog", TICKETS);
                awaitKeys(restored, app + "-complaint-join-routes-changelog", KNOWN);
                awaitKeys(restored, app + "-complaint-join-pending-changelog", WAITING);
                assertThat(first.failure()).isNull();
            }
            assertThat(rewriteInWave1(restored, app + "-ticket-lifecycle-changelog", Wave1Encoders::ticketLifecycle))
                    .isEqualTo(TICKETS);
            assertThat(rewriteInWave1(restored, app + "-complaint-join-routes-changelog", Wave1Encoders::routeRef))
                    .isEqualTo(KNOWN);
            assertThat(rewriteInWave1(restored, app + "-complaint-join-pending-changelog",
                    Wave1Encoders::pendingComplaint)).isEqualTo(WAITING);

            PipelineConfig noLocalState = restored.configWith(Map.of("state.dir",
                    Files.createTempDirectory("lastmile-wave1-restore-").toString()));
            produce(restored, secondPart());
            Map<String, SpecificRecord> actual;
            try (Pipeline second = new Pipeline(noLocalState, options(restored)).start()) {
                actual = finals(restored, Duration.ofSeconds(150));
                assertThat(second.failure()).isNull();
            }
            assertThat(asText(actual)).isEqualTo(expected);
            assertRestoredStateWasUsed(actual);
        }
    }

    /** The figures that come out wrong if a restored wave-1 value were lost or misread. */
    private static void assertRestoredStateWasUsed(Map<String, SpecificRecord> finals) {
        SupportKpi resolvedHour = finals.values().stream().filter(r -> r instanceof SupportKpi k
                        && k.getRegion().equals("north") && k.getCategory() == null
                        && k.getWindow() == WindowKind.HOURLY
                        && k.getWindowStart().equals(T0.plus(Duration.ofHours(3))))
                .map(r -> (SupportKpi) r).findFirst().orElseThrow();
        assertThat(resolvedHour.getResolved()).isEqualTo(TICKETS);
        assertThat(resolvedHour.getAvgResolutionMinutes()).as("opened 60 min before, per the restored lifecycle")
                .isEqualTo(60.0);
        assertThat(resolvedHour.getAvgFirstResponseMinutes()).as("odd tickets replied after 3 min, even ones not")
                .isEqualTo((15 * 3 + 15 * 60) / 30.0);
        Map<String, Long> complaintsByRoute = new TreeMap<>();
        finals.values().stream().filter(r -> r instanceof RouteComplaintKpi k && k.getLevel() == CorrelationLevel.ROUTE
                        && k.getWindowStart().equals(T0))
                .map(r -> (RouteComplaintKpi) r)
                .forEach(k -> complaintsByRoute.put(k.getRouteId(), k.getComplaints()));
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 1; i <= KNOWN + WAITING; i++) {
            expected.merge("r-" + i % 3, 1L, Long::sum);
        }
        assertThat(complaintsByRoute).as("every complaint on its delivery's route, none UNKNOWN").isEqualTo(expected);
    }

    private static TopologyOptions options(ItEnvironment env) {
        return env.options(1).withEventClock(wallClock -> T0.toEpochMilli());
    }

    /** Deliveries up to 01:40, and complaints at 02:xx: 20 about those, 5 about deliveries not seen yet. */
    private static List<ProducerRecord<String, Object>> firstPart() {
        List<ProducerRecord<String, Object>> records = new ArrayList<>();
        for (int i = 1; i <= KNOWN; i++) {
            records.add(delivery(i, T0.plus(Duration.ofMinutes(5L * i))));
        }
        for (int i = 1; i <= TICKETS; i++) {
            Instant opened = T0.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(i));
            boolean complaint = i <= KNOWN + WAITING;
            int n = i;
            records.add(ticket(i, TicketEventType.OPENED, opened, b -> b
                    .setCategory(complaint ? COMPLAINTS.get(n % COMPLAINTS.size())
                            : n % 2 == 0 ? TicketCategory.BILLING : TicketCategory.OTHER)
                    .setDeliveryId(complaint ? "d-" + n : null)));
            if (i % 2 == 1) {
                records.add(ticket(i, TicketEventType.AGENT_REPLY, opened.plus(Duration.ofMinutes(3)), b -> b));
            }
            if (i % 7 == 0) {
                records.add(ticket(i, TicketEventType.ESCALATED, opened.plus(Duration.ofMinutes(4)), b -> b));
            }
        }
        return records;
    }

    /** The waiting complaints' deliveries, later deliveries, every ticket resolved, then a clock past all windows. */
    private static List<ProducerRecord<String, Object>> secondPart() {
        List<ProducerRecord<String, Object>> records = new ArrayList<>();
        for (int i = KNOWN + 1; i <= KNOWN + WAITING; i++) {
            records.add(delivery(i, T0.plus(Duration.ofMinutes(100L + i))));
        }
        for (int i = 31; i <= 40; i++) {
            records.add(delivery(i, T0.plus(Duration.ofMinutes(120L + 10 * (i - 30)))));
        }
        for (int i = 1; i <= TICKETS; i++) {
            records.add(ticket(i, TicketEventType.RESOLVED, T0.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(i)),
                    b -> b));
            if (i % 6 == 0) {
                records.add(ticket(i, TicketEventType.REOPENED, T0.plus(Duration.ofMinutes(200L + i)), b -> b));
            }
        }
        Instant clock = T0.plus(Duration.ofDays(2));
        records.add(new ProducerRecord<>("delivery", null, clock.toEpochMilli(), "clock",
                BacklogIntegrationTest.event("clock", ExpectedDeliveryKpis.CLOCK_REGION, DeliveryStatus.DELIVERED,
                        clock, 0)));
        records.add(ticket(0, TicketEventType.OPENED, clock, b -> b.setRegion(ExpectedDeliveryKpis.CLOCK_REGION)));
        return records;
    }

    private static ProducerRecord<String, Object> delivery(int i, Instant time) {
        DeliveryEvent e = DeliveryEvent.newBuilder().setEventId("ev-d-" + i).setDeliveryId("d-" + i)
                .setRouteId("r-" + i % 3).setDriverId("drv-" + i % 4).setRegion("north")
                .setStatus(DeliveryStatus.DELIVERED).setEventTime(time)
                .setPromisedBy(time.plus(Duration.ofMinutes(i % 4 == 0 ? -10 : 5))).setCostCents(500).build();
        return new ProducerRecord<>("delivery", null, time.toEpochMilli(), e.getDeliveryId(), e);
    }

    private static ProducerRecord<String, Object> ticket(int i, TicketEventType type, Instant time,
                                                         UnaryOperator<TicketEvent.Builder> change) {
        TicketEvent e = change.apply(TicketEvent.newBuilder().setEventId("ev-t-" + i + "-" + type).setTicketId("t-" + i)
                .setRegion("north").setCategory(TicketCategory.OTHER).setChannel(TicketChannel.CHAT).setType(type)
                .setEventTime(time)).build();
        return new ProducerRecord<>("ticket", null, time.toEpochMilli(), e.getTicketId(), e);
    }

    /** Produces each input's records in event-time order ("delivery" and "ticket" stand for the env's topics). */
    private static void produce(ItEnvironment env, List<ProducerRecord<String, Object>> records) {
        try (KafkaProducer<String, DeliveryEvent> deliveries = env.producer(Serdes.String().serializer(),
                env.topics.deliveryEvents().valueSerde().serializer());
             KafkaProducer<String, TicketEvent> tickets = env.producer(Serdes.String().serializer(),
                     env.topics.ticketEvents().valueSerde().serializer())) {
            records.stream().sorted(Comparator.comparing(ProducerRecord::timestamp)).forEach(r -> {
                if (r.value() instanceof DeliveryEvent d) {
                    deliveries.send(new ProducerRecord<>(env.topics.deliveryEvents().name(), 0, r.timestamp(), r.key(),
                            d));
                } else {
                    tickets.send(new ProducerRecord<>(env.topics.ticketEvents().name(), 0, r.timestamp(), r.key(),
                            (TicketEvent) r.value()));
                }
            });
        }
    }

    /** The latest value of every key of a changelog, tombstones left out. */
    private static Map<Bytes, ConsumerRecord<Bytes, byte[]>> latest(ItEnvironment env, String changelog) {
        Map<Bytes, ConsumerRecord<Bytes, byte[]>> latest = new HashMap<>();
        env.readAll(changelog, Serdes.Bytes().deserializer(), Serdes.ByteArray().deserializer())
                .forEach(r -> latest.put(r.key(), r));
        latest.values().removeIf(r -> r.value() == null);
        return latest;
    }

    private static void awaitKeys(ItEnvironment env, String changelog, int keys) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (latest(env, changelog).size() < keys && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(latest(env, changelog)).as(changelog).hasSize(keys);
    }

    /** Appends each key's latest value again in wave 1's format, as a wave-1 deployment left it; returns how many. */
    private static int rewriteInWave1(ItEnvironment env, String changelog, UnaryOperator<byte[]> toWave1) {
        Map<Bytes, ConsumerRecord<Bytes, byte[]>> latest = latest(env, changelog);
        try (KafkaProducer<Bytes, byte[]> producer = env.producer(Serdes.Bytes().serializer(),
                Serdes.ByteArray().serializer())) {
            latest.values().forEach(r -> producer.send(new ProducerRecord<>(changelog, r.partition(), r.timestamp(),
                    r.key(), toWave1.apply(r.value()))));
        }
        return latest.size();
    }

    /**
     * Final support and route-complaint records by key, the clock region left out: waits for the
     * last window's finals, then reads everything until two reads a few commits apart agree.
     */
    private static Map<String, SpecificRecord> finals(ItEnvironment env, Duration timeout) throws InterruptedException {
        Instant lastWindow = T0.plus(Duration.ofHours(3));
        env.readUntil(env.topics.kpi(KpiFamilies.SUPPORT).name(), Serdes.String().deserializer(),
                env.topics.kpi(KpiFamilies.SUPPORT).valueSerde().deserializer(), read -> read.stream()
                        .anyMatch(r -> r.value().getFinal$() && r.value().getWindow() == WindowKind.ROLLING_24H
                        && r.value().getWindowStart().equals(lastWindow)), timeout);
        env.readUntil(env.topics.kpi(KpiFamilies.ROUTE_COMPLAINTS).name(), Serdes.String().deserializer(),
                env.topics.kpi(KpiFamilies.ROUTE_COMPLAINTS).valueSerde().deserializer(), read -> read.stream()
                        .anyMatch(r -> r.value().getFinal$() && r.value().getWindowStart().equals(lastWindow)),
                timeout);
        Map<String, SpecificRecord> previous = Map.of();
        Map<String, SpecificRecord> finals = readFinals(env);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!asText(finals).equals(asText(previous)) && System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            previous = finals;
            finals = readFinals(env);
        }
        return finals;
    }

    private static Map<String, SpecificRecord> readFinals(ItEnvironment env) {
        Map<String, SpecificRecord> finals = new TreeMap<>();
        collect(env.readAll(env.topics.kpi(KpiFamilies.SUPPORT).name(), Serdes.String().deserializer(),
                env.topics.kpi(KpiFamilies.SUPPORT).valueSerde().deserializer()), finals);
        collect(env.readAll(env.topics.kpi(KpiFamilies.ROUTE_COMPLAINTS).name(), Serdes.String().deserializer(),
                env.topics.kpi(KpiFamilies.ROUTE_COMPLAINTS).valueSerde().deserializer()), finals);
        return finals;
    }

    /** Records as Avro's JSON text, every field shown: readable in a failure, and a stable equality. */
    private static Map<String, String> asText(Map<String, SpecificRecord> records) {
        Map<String, String> text = new TreeMap<>();
        records.forEach((key, value) -> text.put(key, value.toString()));
        return text;
    }

    private static <V extends SpecificRecord> void collect(List<ConsumerRecord<String, V>> records,
                                                           Map<String, SpecificRecord> finals) {
        records.stream().filter(r -> !r.key().contains(ExpectedDeliveryKpis.CLOCK_REGION))
                .filter(r -> Boolean.TRUE.equals(r.value().get(r.value().getSchema().getField("final").pos())))
                .forEach(r -> finals.put(r.topic().substring(r.topic().indexOf('.') + 1) + "|" + r.key(), r.value()));
    }
}
