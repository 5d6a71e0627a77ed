package dev.lastmile.kpi.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.serde.SchemaRegistryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSchemaRegistryTest {

    private static final String URL = "mock://test";

    @Test
    void shouldHandOutTheSameIdsAfterARestartFromTheSameFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("schemas.json");
        FileSchemaRegistry first = FileSchemaRegistry.open(file, URL);
        int delivery = first.register("lastmile.delivery-events-value", DeliveryEvent.getClassSchema());
        int ticket = first.register("lastmile.ticket-events-value", TicketEvent.getClassSchema());
        // One global id per schema, shared across subjects.
        assertThat(first.register("lastmile.late-events-value", DeliveryEvent.getClassSchema())).isEqualTo(delivery);
        assertThat(ticket).isNotEqualTo(delivery);

        // A restart registers in another order (threads race): the ids stay what they were.
        FileSchemaRegistry second = FileSchemaRegistry.open(file, URL);
        assertThat(second.schemaById(delivery)).isEqualTo(DeliveryEvent.getClassSchema());
        assertThat(second.schemaById(ticket)).isEqualTo(TicketEvent.getClassSchema());
        byte[] before = Files.readAllBytes(file);
        assertThat(second.register("lastmile.ticket-events-value", TicketEvent.getClassSchema())).isEqualTo(ticket);
        assertThat(second.register("lastmile.late-events-value", DeliveryEvent.getClassSchema())).isEqualTo(delivery);
        assertThat(second.register("lastmile.delivery-events-value", DeliveryEvent.getClassSchema()))
                .isEqualTo(delivery);
        assertThat(Files.readAllBytes(file)).as("known registrations rewrite nothing").isEqualTo(before);
        assertThat(second.subjects()).containsEntry("lastmile.delivery-events-value", List.of(delivery))
                .containsEntry("lastmile.ticket-events-value", List.of(ticket));
    }

    @Test
    void shouldGiveNewSchemasFreshIdsThatNeverCollideWithKeptOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("schemas.json");
        FileSchemaRegistry first = FileSchemaRegistry.open(file, URL);
        int a = first.register("a-value", DeliveryEvent.getClassSchema());
        int b = first.register("b-value", TicketEvent.getClassSchema());

        FileSchemaRegistry second = FileSchemaRegistry.open(file, URL);
        int c = second.register("c-value", SurveyResponse.getClassSchema());
        int d = second.register("a-value", DeliveryKpi.getClassSchema()); // a second version of subject a
        assertThat(List.of(c, d)).doesNotContain(a, b).doesNotHaveDuplicates();
        assertThat(second.schemaById(a)).isEqualTo(DeliveryEvent.getClassSchema());

        FileSchemaRegistry third = FileSchemaRegistry.open(file, URL);
        assertThat(third.schemaById(c)).isEqualTo(SurveyResponse.getClassSchema());
        assertThat(third.schemaById(d)).isEqualTo(DeliveryKpi.getClassSchema());
        assertThat(third.subjects()).containsEntry("a-value", List.of(a, d));
        assertThatThrownBy(() -> third.schemaById(d + 1)).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(file.toString());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void shouldStartEmptyWithoutAFile(@TempDir Path dir) throws Exception {
        FileSchemaRegistry registry = FileSchemaRegistry.open(dir.resolve("none.json"), URL);
        assertThat(registry.subjects()).isEmpty();
        assertThat(registry.register("x-value", DeliveryEvent.getClassSchema())).isEqualTo(1);
        assertThat(registry.url()).isEqualTo(URL);
    }
}
