package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.avro.DeliveryStatus.DELIVERED;
import static dev.lastmile.kpi.avro.TicketCategory.DAMAGED;
import static dev.lastmile.kpi.avro.TicketEventType.OPENED;
import static dev.lastmile.kpi.topology.TopologyHarness.at;
import static dev.lastmile.kpi.topology.TopologyHarness.delivery;
import static dev.lastmile.kpi.topology.TopologyHarness.ticket;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastmile.kpi.docs.AsyncApiDocument;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The DLQ and late copies the topology writes carry the headers docs/asyncapi.yaml declares for their channel:
 * every lastmile.* header is declared there, every required one is present, and each value has the declared
 * form (pattern, enum, date-time). A cut copy's extra headers included.
 */
class AsyncApiHeadersTopologyTest {

    @Test
    void shouldWriteDlqRecordsWithTheDocumentedHeaders() {
        try (TopologyHarness h = new TopologyHarness(Map.of("input.max.record.bytes", "4096"))) {
            h.rawDeliveries.pipeInput(new TestRecord<>(utf8("d-1"), utf8("not avro"), new RecordHeaders(), at("08:00")));
            h.send(delivery("neg", "north", DELIVERED, "08:10", "08:30", -5));
            byte[] big = new byte[10_000];
            new Random(1).nextBytes(big);
            h.rawDeliveries.pipeInput(new TestRecord<>(utf8("d-big"), big, new RecordHeaders(), at("08:11")));

            List<TestRecord<byte[], byte[]>> dead = h.dlq.readRecordsToList();
            assertThat(dead).hasSize(3);
            assertThat(dead).extracting(r -> DeliveryKpiTopologyTest.header(r, RecordHeaderNames.DLQ_REASON_CODE))
                    .containsExactly("undecodable", "negative_cost", "too_large");
            assertThat(DeliveryKpiTopologyTest.header(dead.get(2), RecordHeaderNames.TRUNCATED)).isEqualTo("value");
            dead.forEach(r -> assertDocumented("dlq", r));
        }
    }

    @Test
    void shouldWriteLateRecordsWithTheDocumentedHeaders() {
        try (TopologyHarness h = new TopologyHarness()) {
            h.send(delivery("a", "west", DELIVERED, "08:50", "09:00", 100));
            h.advanceAllTo("09:30");
            h.send(delivery("late-d", "west", DELIVERED, "08:55", "09:00", 100));
            h.send(ticket("late-t", "late-t", "d-a", "west", DAMAGED, OPENED, "08:57"));

            List<TestRecord<byte[], byte[]>> late = h.late.readRecordsToList();
            assertThat(late).hasSize(2);
            late.forEach(r -> assertDocumented("lateEvents", r));
        }
    }

    private static void assertDocumented(String channel, TestRecord<byte[], byte[]> record) {
        AsyncApiDocument.Headers documented = AsyncApiDocument.headers(channel);
        List<String> names = new ArrayList<>();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("lastmile.")) {
                continue; // the original record's own headers, kept beside ours
            }
            names.add(header.key());
            JsonNode schema = documented.properties().get(header.key());
            assertThat(schema).as("%s: header %s is declared", channel, header.key()).isNotNull();
            String value = new String(header.value(), StandardCharsets.UTF_8);
            assertThat(schema.path("type").asText()).isEqualTo("string");
            if (schema.has("pattern")) {
                assertThat(value).as("%s %s", channel, header.key()).containsPattern(schema.path("pattern").asText());
            }
            if (schema.has("enum")) {
                List<String> allowed = new ArrayList<>();
                schema.path("enum").forEach(v -> allowed.add(v.asText()));
                assertThat(value).as("%s %s", channel, header.key()).isIn(allowed);
            }
            if (schema.path("format").asText().equals("date-time")) {
                assertThat(Instant.parse(value)).isNotNull();
            }
        }
        assertThat(names).as("%s headers", channel).doesNotHaveDuplicates()
                .containsAll(Set.copyOf(documented.required()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
