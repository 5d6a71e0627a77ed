package dev.lastmile.kpi.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.SurveyKind;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketChannel;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.avro.TicketEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gate's rules without Kafka: each one at its bound (accepted) and just past it (rejected). */
class ValidationTest {

    private static final Instant NOW = Instant.parse("2026-11-03T12:00:00Z");
    private static final long WALL = NOW.toEpochMilli();
    private static final Instant FLOOR = Instant.parse("2000-01-01T00:00:00Z");
    private static final Validation RULES = new Validation(new Validation.Limits(FLOOR, Duration.ofMinutes(15)));
    private static final Instant T = Instant.parse("2026-11-03T08:00:00Z");

    private static DeliveryEvent delivery(UnaryOperator<DeliveryEvent.Builder> change) {
        return change.apply(DeliveryEvent.newBuilder().setEventId("e1").setDeliveryId("d1").setRouteId("r1")
                .setDriverId("x1").setRegion("north").setStatus(DeliveryStatus.DELIVERED).setEventTime(T)
                .setPromisedBy(T).setCostCents(500)).build();
    }

    private static TicketEvent ticket(UnaryOperator<TicketEvent.Builder> change) {
        return change.apply(TicketEvent.newBuilder().setEventId("te1").setTicketId("t1").setDeliveryId("d1")
                .setRegion("north").setCategory(TicketCategory.DAMAGED).setChannel(TicketChannel.CHAT)
                .setType(TicketEventType.OPENED).setEventTime(T).setAgentId(null)).build();
    }

    private static SurveyResponse survey(UnaryOperator<SurveyResponse.Builder> change) {
        return change.apply(SurveyResponse.newBuilder().setEventId("se1").setSurveyId("s1").setRegion("north")
                .setKind(SurveyKind.CSAT).setScore(2).setReasons(List.of("late")).setEventTime(T)).build();
    }

    private static Optional<Validation.Rejection> check(DeliveryEvent e) {
        return RULES.delivery(e, WALL);
    }

    private static String code(Optional<Validation.Rejection> r) {
        return r.map(Validation.Rejection::code).orElse("accepted");
    }

    @Test
    void shouldAcceptTheBaselineRecords() {
        assertThat(check(delivery(b -> b))).isEmpty();
        assertThat(RULES.ticket(ticket(b -> b), WALL)).isEmpty();
        assertThat(RULES.survey(survey(b -> b), WALL)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a|b", "north|DAMAGED", "a\tb", "a\u0000b", "a\rb", "a\nb", "a\u007fb", "a\u0085b",
        "a\u200bb", "\ufeffnorth", "a\u2028b", "a\ud800b"})
    void shouldRejectKeySeparatorsControlAndInvisibleCharactersInRegionAndEveryId(String bad) {
        assertThat(code(check(delivery(b -> b.setRegion(bad))))).isEqualTo("forbidden_character");
        assertThat(code(check(delivery(b -> b.setRouteId(bad))))).isEqualTo("forbidden_character");
        assertThat(code(check(delivery(b -> b.setDriverId(bad))))).isEqualTo("forbidden_character");
        assertThat(code(check(delivery(b -> b.setDeliveryId(bad))))).isEqualTo("forbidden_character");
        assertThat(code(check(delivery(b -> b.setEventId(bad))))).isEqualTo("forbidden_character");
        assertThat(code(RULES.ticket(ticket(b -> b.setTicketId(bad)), WALL))).isEqualTo("forbidden_character");
        assertThat(code(RULES.ticket(ticket(b -> b.setAgentId(bad)), WALL))).isEqualTo("forbidden_character");
        assertThat(code(RULES.ticket(ticket(b -> b.setDeliveryId(bad)), WALL))).isEqualTo("forbidden_character");
        assertThat(code(RULES.survey(survey(b -> b.setSurveyId(bad)), WALL))).isEqualTo("forbidden_character");
        assertThat(code(RULES.survey(survey(b -> b.setTicketId(bad)), WALL))).isEqualTo("forbidden_character");
        assertThat(code(RULES.survey(survey(b -> b.setReasons(List.of("late", bad))), WALL)))
                .isEqualTo("forbidden_character");
    }

    @Test
    void shouldNameFieldValueAndCharacterWithInvisibleOnesEscaped() {
        assertThat(check(delivery(b -> b.setRegion("a|b")))).get().extracting(Validation.Rejection::message)
                .isEqualTo("region \"a|b\" contains forbidden character U+007C at index 1");
        assertThat(check(delivery(b -> b.setRouteId("r\t7")))).get().extracting(Validation.Rejection::message)
                .isEqualTo("route_id \"r\\u0009" + "7\" contains forbidden character U+0009 at index 1");
    }

    @Test
    void shouldAcceptUnicodeLettersAndSpacesInsideIds() {
        assertThat(check(delivery(b -> b.setRegion("Île-de-France Nord").setRouteId("r-東京-1")))).isEmpty();
    }

    @Test
    void shouldBoundIdsAt128CodePointsAndReasonsAt64() {
        String max = "x".repeat(128);
        assertThat(check(delivery(b -> b.setDriverId(max)))).isEmpty();
        // 128 code points outside the BMP are 256 chars: the bound counts what a person sees.
        assertThat(check(delivery(b -> b.setDriverId("😀".repeat(128))))).isEmpty();
        assertThat(check(delivery(b -> b.setDriverId(max + "y")))).get().satisfies(r -> {
            assertThat(r.code()).isEqualTo("too_long");
            assertThat(r.message()).isEqualTo("driver_id \"" + "x".repeat(40) + "...\" is 129 characters long, more than 128");
        });
        assertThat(code(RULES.ticket(ticket(b -> b.setRegion(max + "y")), WALL))).isEqualTo("too_long");
        assertThat(RULES.survey(survey(b -> b.setReasons(List.of("r".repeat(64)))), WALL)).isEmpty();
        assertThat(code(RULES.survey(survey(b -> b.setReasons(List.of("r".repeat(65)))), WALL))).isEqualTo("too_long");
    }

    @Test
    void shouldTellMissingRequiredIdsFromBlankOptionalOnes() {
        assertThat(check(delivery(b -> b.setRegion(" ")))).get().extracting(Validation.Rejection::message)
                .isEqualTo("missing region");
        assertThat(code(RULES.ticket(ticket(b -> b.setTicketId("")), WALL))).isEqualTo("missing_field");
        assertThat(RULES.ticket(ticket(b -> b.setDeliveryId(null)), WALL)).isEmpty();
        assertThat(RULES.ticket(ticket(b -> b.setDeliveryId(" ")), WALL)).get().satisfies(r -> {
            assertThat(r.code()).isEqualTo("blank_field");
            assertThat(r.message()).isEqualTo("delivery_id \" \" is blank; leave it null when there is none");
        });
        assertThat(code(RULES.survey(survey(b -> b.setReasons(List.of(""))), WALL))).isEqualTo("blank_field");
    }

    @Test
    void shouldReserveRouteUnknownButNotOtherSpellings() {
        assertThat(check(delivery(b -> b.setRouteId("UNKNOWN")))).get().satisfies(r -> {
            assertThat(r.code()).isEqualTo("reserved_route_id");
            assertThat(r.message()).isEqualTo("route_id \"UNKNOWN\" is reserved for complaints whose delivery is unknown");
        });
        assertThat(check(delivery(b -> b.setRouteId("unknown")))).isEmpty();
    }

    @Test
    void shouldBoundEventTimeBelowByTheFloorAndAboveByTheWallClockPlusMaxFuture() {
        assertThat(check(delivery(b -> b.setEventTime(FLOOR).setPromisedBy(FLOOR)))).isEmpty();
        Instant before = FLOOR.minusMillis(1);
        assertThat(check(delivery(b -> b.setEventTime(before).setPromisedBy(before)))).get().satisfies(r -> {
            assertThat(r.code()).isEqualTo("event_time_too_early");
            assertThat(r.message()).isEqualTo("event_time 1999-12-31T23:59:59.999Z is before 2000-01-01T00:00:00Z"
                    + " (input.min.event.time)");
        });
        Instant limit = NOW.plus(Duration.ofMinutes(15));
        assertThat(check(delivery(b -> b.setEventTime(limit).setPromisedBy(limit)))).isEmpty();
        Instant beyond = limit.plusMillis(1);
        assertThat(RULES.ticket(ticket(b -> b.setEventTime(beyond)), WALL)).get().satisfies(r -> {
            assertThat(r.code()).isEqualTo("future_event_time");
            assertThat(r.message()).isEqualTo("event_time 2026-11-03T12:15:00.001Z is more than 15m ahead of the wall"
                    + " clock 2026-11-03T12:00:00Z (input.max.future)");
        });
        // Before 1970 and beyond the range of epoch millis: rejected, not thrown.
        assertThat(code(RULES.survey(survey(b -> b.setEventTime(Instant.parse("1969-07-20T20:17:00Z"))), WALL)))
                .isEqualTo("event_time_too_early");
        assertThat(code(RULES.survey(survey(b -> b.setEventTime(Instant.MAX)), WALL))).isEqualTo("future_event_time");
        assertThat(code(RULES.survey(survey(b -> b.setEventTime(Instant.MIN)), WALL))).isEqualTo("event_time_too_early");
    }

    @Test
    void shouldUseTheConfiguredBounds() {
        Validation lenient = new Validation(new Validation.Limits(Instant.parse("1990-01-01T00:00:00Z"), Duration.ofHours(2)));
        Instant early = Instant.parse("1995-01-01T00:00:00Z");
        assertThat(lenient.delivery(delivery(b -> b.setEventTime(early).setPromisedBy(early)), WALL)).isEmpty();
        assertThat(lenient.ticket(ticket(b -> b.setEventTime(NOW.plus(Duration.ofMinutes(119)))), WALL)).isEmpty();
        assertThat(code(lenient.ticket(ticket(b -> b.setEventTime(NOW.plus(Duration.ofMinutes(121)))), WALL)))
                .isEqualTo("future_event_time");
    }

    @Test
    void shouldBoundCostSoThatSumsCannotOverflow() {
        assertThat(check(delivery(b -> b.setCostCents(1_000_000_000L)))).isEmpty();
        assertThat(check(delivery(b -> b.setCostCents(1_000_000_001L)))).get().satisfies(r -> {
            assertThat(r.code()).isEqualTo("cost_too_large");
            assertThat(r.message()).isEqualTo("cost_cents 1000000001 is more than 1000000000");
        });
        assertThat(code(check(delivery(b -> b.setCostCents(Long.MAX_VALUE))))).isEqualTo("cost_too_large");
        assertThat(code(check(delivery(b -> b.setCostCents(-1))))).isEqualTo("negative_cost");
    }

    @Test
    void shouldKeepPromisedByWithin30DaysOfTheEventEitherWay() {
        assertThat(check(delivery(b -> b.setPromisedBy(T.minus(Duration.ofDays(30)))))).isEmpty();
        assertThat(check(delivery(b -> b.setPromisedBy(T.plus(Duration.ofDays(30)))))).isEmpty();
        assertThat(check(delivery(b -> b.setPromisedBy(Instant.EPOCH)))).get().satisfies(r -> {
            assertThat(r.code()).isEqualTo("promised_by_out_of_range");
            assertThat(r.message()).isEqualTo("promised_by 1970-01-01T00:00:00Z is more than 30 days from event_time"
                    + " 2026-11-03T08:00:00Z");
        });
        assertThat(code(check(delivery(b -> b.setPromisedBy(T.plus(Duration.ofDays(30)).plusMillis(1))))))
                .isEqualTo("promised_by_out_of_range");
        // Non-terminal events may leave it out; when they give it, the same bound applies.
        assertThat(check(delivery(b -> b.setStatus(DeliveryStatus.DISPATCHED).setPromisedBy(null)))).isEmpty();
        assertThat(code(check(delivery(b -> b.setStatus(DeliveryStatus.DISPATCHED).setPromisedBy(Instant.EPOCH)))))
                .isEqualTo("promised_by_out_of_range");
    }

    @Test
    void shouldBoundTheNumberOfSurveyReasons() {
        List<String> twenty = Collections.nCopies(20, "late");
        assertThat(RULES.survey(survey(b -> b.setReasons(twenty)), WALL)).isEmpty();
        List<String> many = Collections.nCopies(21, "late");
        assertThat(RULES.survey(survey(b -> b.setReasons(many)), WALL)).get().satisfies(r -> {
            assertThat(r.code()).isEqualTo("too_many_reasons");
            assertThat(r.message()).isEqualTo("reasons has 21 entries, more than 20");
        });
    }
}
