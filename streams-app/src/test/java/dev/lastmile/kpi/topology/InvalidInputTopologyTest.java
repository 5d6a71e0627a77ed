package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.avro.DeliveryStatus.OUT_FOR_DELIVERY;
import static dev.lastmile.kpi.topology.DeliveryKpiTopologyTest.header;
import static dev.lastmile.kpi.topology.TopologyHarness.at;
import static dev.lastmile.kpi.topology.TopologyHarness.delivery;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.SurveyKind;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketChannel;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.avro.TicketEventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Every kind of invalid input lands in the DLQ, unchanged, with its reason; processing goes on. */
class InvalidInputTopologyTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldSendUndecodableBytesToTheDlqWithOriginalKeyValueAndHeaders() {
        try (TopologyHarness h = new TopologyHarness()) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace-id", utf8("abc-123"));
            h.rawDeliveries.pipeInput(new TestRecord<>(utf8("d-42"), utf8("{\"not\":\"avro\"}"), headers,
                    at("08:00")));

            TestRecord<byte[], byte[]> dead = h.dlq.readRecord();
            assertThat(dead.key()).isEqualTo(utf8("d-42"));
            assertThat(dead.value()).isEqualTo(utf8("{\"not\":\"avro\"}"));
            assertThat(header(dead, "trace-id")).isEqualTo("abc-123");
            assertThat(header(dead, RecordHeaderNames.SOURCE_TOPIC)).isEqualTo("lastmile.delivery-events");
            assertThat(header(dead, RecordHeaderNames.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(dead, RecordHeaderNames.SOURCE_OFFSET)).isEqualTo("0");
            assertThat(header(dead, RecordHeaderNames.DLQ_REASON_CODE)).isEqualTo("undecodable");
            assertThat(header(dead, RecordHeaderNames.DLQ_REASON)).contains("magic byte");
        }
    }

    @Test
    void shouldSendEachKindOfInvalidDeliveryToTheDlqAndKeepCountingTheValidOnes() {
        try (TopologyHarness h = new TopologyHarness()) {
            DeliveryEvent negativeCost = delivery("bad-cost", "north", DELIVERED, "08:10", "08:30", -5);
            DeliveryEvent noPromise = delivery("no-promise", "north", DELIVERED, "08:11", null, 10);
            DeliveryEvent noRegion = delivery("no-region", "", DELIVERED, "08:12", "08:30", 10);
            DeliveryEvent future = DeliveryEvent.newBuilder(delivery("future", "north", DELIVERED, "08:13", "08:30", 10))
                    .setEventTime(TopologyHarness.WALL_CLOCK.plus(Duration.ofMinutes(16))).build();
            DeliveryEvent nonTerminalWithoutPromise = delivery("ok-dispatch", "north", OUT_FOR_DELIVERY, "08:14", null, 0);
            DeliveryEvent good = delivery("good", "north", DELIVERED, "08:15", "08:30", 10);
            for (DeliveryEvent e : List.of(negativeCost, noPromise, noRegion, future, nonTerminalWithoutPromise, good)) {
                h.send(e);
            }
            h.advanceTo("09:15");

            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).extracting(r -> header(r, RecordHeaderNames.DLQ_REASON_CODE))
                    .containsExactly("negative_cost", "missing_promised_by", "missing_field", "future_event_time");
            assertThat(dead).extracting(r -> header(r, RecordHeaderNames.DLQ_REASON)).containsExactly(
                    "negative cost_cents: -5",
                    "terminal event DELIVERED without promised_by",
                    "missing region",
                    "event_time 2026-11-05T00:16:00Z is more than 15m ahead of the wall clock 2026-11-05T00:00:00Z"
                            + " (input.max.future)");
            assertThat(dead).extracting(r -> header(r, RecordHeaderNames.SOURCE_OFFSET))
                    .containsExactly("0", "1", "2", "3");
            assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("d-bad-cost", "d-no-promise", "d-no-region", "d-future");

            assertThat(TopologyHarness.select(h.kpis("north"), dev.lastmile.kpi.avro.WindowKind.HOURLY, "08:00", true))
                    .singleElement().satisfies(k -> assertThat(k.getDeliveries()).isEqualTo(1));
            assertThat(h.metrics.registry().find("lastmile.dlq.records").tag("reason", "negative_cost").counters()
                    .stream().mapToDouble(c -> c.count()).sum()) // every input topic has the series
                    .isEqualTo(1.0);
        }
    }

    @Test
    void shouldValidateTicketsAndSurveysToo() {
        try (TopologyHarness h = new TopologyHarness()) {
            TestInputTopic<String, TicketEvent> tickets = h.driver.createInputTopic(h.topics.ticketEvents().name(),
                    Serdes.String().serializer(), h.topics.ticketEvents().valueSerde().serializer());
            TestInputTopic<String, SurveyResponse> surveys = h.driver.createInputTopic(
                    h.topics.surveyResponses().name(), Serdes.String().serializer(),
                    h.topics.surveyResponses().valueSerde().serializer());
            tickets.pipeInput("t-1", TicketEvent.newBuilder().setEventId("te-1").setTicketId(" ").setRegion("north")
                    .setCategory(TicketCategory.BILLING).setChannel(TicketChannel.EMAIL)
                    .setType(TicketEventType.OPENED).setEventTime(at("08:00")).build());
            surveys.pipeInput("s-1", survey(SurveyKind.CSAT, 6));
            surveys.pipeInput("s-2", survey(SurveyKind.NPS, 10));   // valid
            surveys.pipeInput("s-3", survey(SurveyKind.NPS, -1));
            surveys.pipeInput("s-4", survey(SurveyKind.CES, 8));

            assertThat(h.dlq.readRecordsToList()).extracting(r -> header(r, RecordHeaderNames.SOURCE_TOPIC) + " "
                    + header(r, RecordHeaderNames.DLQ_REASON)).containsExactly(
                    "lastmile.ticket-events missing ticket_id",
                    "lastmile.survey-responses CSAT score 6 out of range 1-5",
                    "lastmile.survey-responses NPS score -1 out of range 0-10",
                    "lastmile.survey-responses CES score 8 out of range 1-7");
        }
    }

    private static SurveyResponse survey(SurveyKind kind, int score) {
        return SurveyResponse.newBuilder().setEventId("sv-" + kind + score).setSurveyId("s-" + kind + score)
                .setRegion("north").setKind(kind).setScore(score).setEventTime(at("08:30")).build();
    }
}
