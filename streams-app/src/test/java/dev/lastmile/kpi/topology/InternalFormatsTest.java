package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.topology.FormatFixtures.current;
import static dev.lastmile.kpi.topology.FormatFixtures.hex;
import static dev.lastmile.kpi.topology.FormatFixtures.wave1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.codec.PayloadFormatException;
import dev.lastmile.kpi.codec.PayloadWriter;
import dev.lastmile.kpi.kpi.PerfectOrderObservation;
import dev.lastmile.kpi.kpi.RouteObservation;
import dev.lastmile.kpi.kpi.SupportFact;
import dev.lastmile.kpi.kpi.TicketLifecycle;
import dev.lastmile.kpi.topology.ComplaintAttributionProcessor.RouteRef;
import dev.lastmile.kpi.watermark.Envelope;
import dev.lastmile.kpi.watermark.EnvelopeSerde;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * Internal payloads (stores, changelogs, repartition topics) are an upgrade contract: bytes written
 * by wave 1 (commit 6b748c5, fixtures written by its own classes) still decode to the same values,
 * unchanged formats still write those very bytes, and the changed ones are pinned in today's form.
 */
class InternalFormatsTest {

    private static final long T = 1_700_000_000_000L;
    private static final SupportFact RESOLVED = new SupportFact(SupportFact.Kind.RESOLVED, "north",
            TicketCategory.WRONG_ITEM, T, 3_600_000L, 60_000L, true, false, true);
    private static final SupportFact REOPENED = SupportFact.counted(SupportFact.Kind.REOPENED, "süd",
            TicketCategory.BILLING, 42L);
    private static final SupportFact OPENED = SupportFact.counted(SupportFact.Kind.OPENED, "east",
            TicketCategory.LATE_DELIVERY, 1L);
    private static final RouteObservation COMPLAINT = new RouteObservation(true, "west", "route-9", T + 100_000L,
            false, false, 0, TicketCategory.DRIVER_CONDUCT);
    private static final RouteObservation DELIVERY = new RouteObservation(false, "east", "route-1", 99L, true, false,
            120_000L, null);
    private static final RouteObservation OTHER = RouteObservation.complaint("x", TicketCategory.OTHER);
    private static final TicketLifecycle OPEN_TICKET = new TicketLifecycle("north", TicketCategory.DAMAGED, 1_000L,
            TicketLifecycle.UNKNOWN, true, false, TicketLifecycle.UNKNOWN, 5_000L);
    private static final TicketLifecycle RESOLVED_TICKET = new TicketLifecycle("süd", TicketCategory.OTHER,
            TicketLifecycle.UNKNOWN, 2_000L, false, true, 9_000L, 9_000L);
    private static final RouteRef REF = new RouteRef("route-9", "west", T - 1_000_000L, T);
    private static final RouteRef ODD_REF = new RouteRef("r\tx", "é", -3L, -3L);
    private static final LateVerdict VERDICT = new LateVerdict("support-kpi", true, false, 1_000L, 500L, 3_600_000L,
            "ticket-events:1", 77L, utf8("key"), utf8("value"));
    private static final LateVerdict NULLS_VERDICT = new LateVerdict("delivery-kpi", true, true, -1L, Long.MIN_VALUE,
            0L, "delivery-events:0", 0L, null, new byte[0]);

    @Test
    void shouldReadEveryPayloadAsWave1WroteIt() {
        assertThat(SupportFact.decode(wave1("support-fact.resolved"))).isEqualTo(RESOLVED);
        assertThat(SupportFact.decode(wave1("support-fact.reopened"))).isEqualTo(REOPENED);
        assertThat(SupportFact.decode(wave1("support-fact.opened"))).isEqualTo(OPENED);
        assertThat(RouteObservation.decode(wave1("route-observation.complaint"))).isEqualTo(COMPLAINT);
        assertThat(RouteObservation.decode(wave1("route-observation.delivery"))).isEqualTo(DELIVERY);
        assertThat(RouteObservation.decode(wave1("route-observation.other"))).isEqualTo(OTHER);
        Serde<TicketLifecycle> lifecycles = TicketLifecycleProcessor.serde();
        assertThat(lifecycles.deserializer().deserialize("t", wave1("ticket-lifecycle.open"))).isEqualTo(OPEN_TICKET);
        assertThat(lifecycles.deserializer().deserialize("t", wave1("ticket-lifecycle.resolved")))
                .isEqualTo(RESOLVED_TICKET);
        assertThat(RouteRef.decode(wave1("route-ref.text"))).isEqualTo(REF);
        assertThat(RouteRef.decode(wave1("route-ref.negative"))).isEqualTo(ODD_REF);
    }

    @Test
    void shouldWriteTheChangedFormatsAsPinnedWithEnumsByName() {
        Map<String, byte[]> written = Map.of("support-fact.resolved", RESOLVED.encode(),
                "support-fact.reopened", REOPENED.encode(), "support-fact.opened", OPENED.encode(),
                "route-observation.complaint", COMPLAINT.encode(), "route-observation.delivery", DELIVERY.encode(),
                "route-observation.other", OTHER.encode(), "ticket-lifecycle.open", OPEN_TICKET.encode(),
                "ticket-lifecycle.resolved", RESOLVED_TICKET.encode(), "route-ref.text", REF.encode(),
                "route-ref.negative", ODD_REF.encode());
        written.forEach((key, bytes) -> assertThat(hex(bytes)).as(key).isEqualTo(hex(current(key))));
        assertThat(new String(RESOLVED.encode(), StandardCharsets.UTF_8)).contains("WRONG_ITEM", "RESOLVED");
        assertThat(SupportFact.decode(current("support-fact.resolved"))).isEqualTo(RESOLVED);
        assertThat(RouteObservation.decode(current("route-observation.delivery"))).isEqualTo(DELIVERY);
        assertThat(TicketLifecycle.decode(current("ticket-lifecycle.resolved"))).isEqualTo(RESOLVED_TICKET);
        assertThat(RouteRef.decode(current("route-ref.negative"))).isEqualTo(ODD_REF);
    }

    @Test
    void shouldWriteTheUnchangedFormatsByteForByteAsWave1Did() {
        Envelope.Data data = new Envelope.Data("ticket-events:2", 1234, T, utf8("k1"),
                new byte[] {0, 1, 2, (byte) 0xff}, utf8("payload"));
        Envelope.Data nulls = new Envelope.Data("délivery:0", 0, -5, null, new byte[0], null);
        Envelope.Marker marker = new Envelope.Marker("complaint-join:1", T + 360_000L);
        roundTrip("envelope.data", data, EnvelopeSerde::write, EnvelopeSerde::read);
        roundTrip("envelope.data-nulls", nulls, EnvelopeSerde::write, EnvelopeSerde::read);
        roundTrip("envelope.marker", marker, EnvelopeSerde::write, EnvelopeSerde::read);

        Serde<long[]> withMap = CountsSerde.of(5, a -> a, a -> Map.of("route-é", 3L, "UNKNOWN", -1L), (v, m) -> {
            assertThat(m).containsExactly(Map.entry("UNKNOWN", -1L), Map.entry("route-é", 3L));
            return v;
        });
        long[] longs = {1, 2, 3, Long.MAX_VALUE, Long.MIN_VALUE};
        roundTrip("counts.with-map", longs, a -> withMap.serializer().serialize("t", a),
                b -> withMap.deserializer().deserialize("t", b));
        Serde<long[]> plain = CountsSerde.longsOnly(3, a -> a, v -> v);
        roundTrip("counts.longs-only", new long[] {7, 0, -7}, a -> plain.serializer().serialize("t", a),
                b -> plain.deserializer().deserialize("t", b));

        roundTrip("seen-event.v1", SeenEvent.of(42, "{\"event_id\": \"e1\"}"), SeenEvent::encode, SeenEvent::decode);
        roundTrip("known-keys.v1", T, KnownKeys::encode, KnownKeys::decode);
        roundTrip("late-verdict.v1", VERDICT, LateVerdict.VerdictSerde::encode, LateVerdict.VerdictSerde::decode);
        roundTrip("late-verdict.nulls", NULLS_VERDICT, LateVerdict.VerdictSerde::encode,
                LateVerdict.VerdictSerde::decode);
        roundTrip("late-verdicts.pending", List.of(VERDICT, NULLS_VERDICT), LateCollector::encode,
                LateCollector::decode);
    }

    @Test
    void shouldWriteAndReadThePerfectOrderFormatsAsPinned() {
        PerfectOrderObservation observation = new PerfectOrderObservation("west", T, 1, 1, 0);
        PerfectOrderState.Candidates candidates = new PerfectOrderState.Candidates(List.of(
                new PerfectOrderState.Candidate(T, "west"), new PerfectOrderState.Candidate(-1L, "é")));
        PerfectOrderState.ComplaintTimes times = new PerfectOrderState.ComplaintTimes(List.of(T, 0L));
        assertThat(hex(observation.encode())).isEqualTo(hex(current("perfect-order-observation")));
        assertThat(hex(candidates.encode())).isEqualTo(hex(current("perfect-order-candidates")));
        assertThat(hex(times.encode())).isEqualTo(hex(current("perfect-order-complaint-times")));
        assertThat(PerfectOrderObservation.decode(current("perfect-order-observation"))).isEqualTo(observation);
        assertThat(PerfectOrderState.Candidates.decode(current("perfect-order-candidates"))).isEqualTo(candidates);
        assertThat(PerfectOrderState.ComplaintTimes.decode(current("perfect-order-complaint-times"))).isEqualTo(times);
    }

    @Test
    void shouldReadPendingComplaintsOfWave1AndOfTheFormatBeforeIt() {
        PendingComplaint p = PendingComplaint.decode(wave1("pending-complaint.v2"));
        assertThat(p.deliveryId()).isEqualTo("d-42");
        assertThat(p.headers().toArray()).hasSize(2);
        assertThat(p.headers().lastHeader("lastmile.late-families").value()).isEqualTo(utf8("support-kpi"));
        assertThat(p.headers().lastHeader("empty").value()).isNull();
        assertThat(p.data().source()).isEqualTo("ticket-events:0");
        assertThat(p.data().offset()).isEqualTo(17);
        assertThat(RouteObservation.decode(p.data().payload()))
                .isEqualTo(RouteObservation.complaint("north", TicketCategory.MISSED_DELIVERY));
        // Version 3 drops the 4 zero bytes wave 1 left after the envelope; nothing else changed.
        assertThat(hex(PendingComplaint.encode(p.deliveryId(), p.data(), p.headers())))
                .isEqualTo(hex(current("pending-complaint.v3")));
        PendingComplaint v3 = PendingComplaint.decode(current("pending-complaint.v3"));
        assertThat(v3.data()).usingRecursiveComparison().isEqualTo(p.data());
        assertThat(v3.headers()).isEqualTo(p.headers());
        byte[] unpadded = wave1("pending-complaint.v2");
        assertRejected(() -> PendingComplaint.decode(Arrays.copyOf(unpadded, unpadded.length - 4)),
                "pending complaint payload (version 2): no zero padding");

        byte[] beforeVersions = PayloadWriter.version(0).writeInt(4).writeRest(utf8("d-42"))
                .writeRest(EnvelopeSerde.write(p.data())).toBytes();
        beforeVersions = Arrays.copyOfRange(beforeVersions, 1, beforeVersions.length); // no version byte then
        PendingComplaint old = PendingComplaint.decode(beforeVersions);
        assertThat(old.deliveryId()).isEqualTo("d-42");
        assertThat(old.headers().toArray()).isEmpty();
        assertThat(old.data()).usingRecursiveComparison().isEqualTo(p.data());
    }

    @Test
    void shouldRejectAnUnknownVersionNamingTheFormat() {
        assertRejected(() -> EnvelopeSerde.read(new byte[] {9, 1}), "envelope payload (version 9)");
        assertRejected(() -> SupportFact.decode(new byte[] {4}), "support fact payload (version 4)");
        assertRejected(() -> RouteObservation.decode(new byte[] {3}), "route observation payload (version 3)");
        assertRejected(() -> TicketLifecycle.decode(new byte[] {3}), "ticket lifecycle payload (version 3)");
        assertRejected(() -> RouteRef.decode(new byte[] {2}), "route reference payload (version 2)");
        assertRejected(() -> PendingComplaint.decode(new byte[] {4}), "pending complaint payload (version 4)");
        assertRejected(() -> SeenEvent.decode(new byte[] {2, 0}), "dedup entry payload (version 2)");
        assertRejected(() -> KnownKeys.decode(new byte[] {2}), "known-keys entry payload (version 2)");
        assertRejected(() -> LateVerdict.VerdictSerde.decode(new byte[] {2}), "late verdict payload (version 2)");
        assertRejected(() -> LateCollector.decode(new byte[] {2}), "pending late verdicts payload (version 2)");
        Serde<long[]> counts = CountsSerde.longsOnly(1, a -> a, v -> v);
        assertRejected(() -> counts.deserializer().deserialize("t", new byte[] {2}), "counts payload (version 2)");
    }

    @Test
    void shouldRejectTruncatedOrOverlongPayloadsRatherThanMisreadThem() {
        byte[] fact = current("support-fact.resolved");
        assertRejected(() -> SupportFact.decode(Arrays.copyOf(fact, fact.length - 1)),
                "support fact payload (version 3): truncated");
        byte[] lifecycle = wave1("ticket-lifecycle.open");
        assertRejected(() -> TicketLifecycle.decode(Arrays.copyOf(lifecycle, 10)),
                "ticket lifecycle payload (version 1): truncated");
        byte[] envelope = wave1("envelope.marker");
        assertRejected(() -> EnvelopeSerde.read(Arrays.copyOf(envelope, envelope.length + 1)),
                "envelope payload (version 1): 1 unexpected trailing bytes");
        byte[] badCategory = current("ticket-lifecycle.open").clone();
        badCategory[18] = 'X'; // "DAMAGED" -> "DAMAXED"
        assertRejected(() -> TicketLifecycle.decode(badCategory), "unknown TicketCategory DAMAXED");
        byte[] badOrdinal = wave1("ticket-lifecycle.open").clone();
        badOrdinal[10] = 7; // one past wave 1's last category
        assertRejected(() -> TicketLifecycle.decode(badOrdinal), "TicketCategory ordinal 7");
    }

    @Test
    void shouldHaveTestEncodersThatWriteExactlyWhatWave1Wrote() {
        // The restore integration test writes wave-1 state with these: they must be wave 1's bytes.
        assertThat(hex(Wave1Encoders.ticketLifecycle(OPEN_TICKET.encode())))
                .isEqualTo(hex(wave1("ticket-lifecycle.open")));
        assertThat(hex(Wave1Encoders.ticketLifecycle(RESOLVED_TICKET.encode())))
                .isEqualTo(hex(wave1("ticket-lifecycle.resolved")));
        assertThat(hex(Wave1Encoders.routeRef(REF.encode()))).isEqualTo(hex(wave1("route-ref.text")));
        assertThat(hex(Wave1Encoders.routeRef(ODD_REF.encode()))).isEqualTo(hex(wave1("route-ref.negative")));
        assertThat(hex(Wave1Encoders.routeObservation(COMPLAINT))).isEqualTo(hex(wave1("route-observation.complaint")));
        assertThat(hex(Wave1Encoders.routeObservation(DELIVERY))).isEqualTo(hex(wave1("route-observation.delivery")));
        assertThat(hex(Wave1Encoders.pendingComplaint(current("pending-complaint.v3"))))
                .isEqualTo(hex(wave1("pending-complaint.v2")));
    }

    private static <T> void roundTrip(String fixture, T value, Function<T, byte[]> encode, Function<byte[], T> decode) {
        assertThat(hex(encode.apply(value))).as(fixture).isEqualTo(hex(wave1(fixture)));
        assertThat(decode.apply(wave1(fixture))).as(fixture).usingRecursiveComparison().isEqualTo(value);
    }

    private static void assertRejected(Runnable decode, String message) {
        assertThatThrownBy(decode::run).isInstanceOf(PayloadFormatException.class).hasMessageContaining(message);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
