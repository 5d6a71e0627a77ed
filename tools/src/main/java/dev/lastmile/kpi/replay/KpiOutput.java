package dev.lastmile.kpi.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.json.JsonAvro;
import dev.lastmile.kpi.topology.Topic;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** One output topic read back as JSON lines into a part file. */
final class KpiOutput implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final TestOutputTopic<String, ? extends SpecificRecord> records;
    private final Path part;
    private final BufferedWriter writer;

    <T extends SpecificRecord> KpiOutput(TopologyTestDriver driver, Topic<String, T> topic, ReplayFiles files)
            throws IOException {
        this.topic = topic.name();
        this.records = driver.createOutputTopic(topic.name(), Serdes.String().deserializer(),
                topic.valueSerde().deserializer());
        this.part = files.scratch("part-" + topic.name());
        this.writer = Files.newBufferedWriter(part, StandardCharsets.UTF_8);
    }

    long drain() throws IOException {
        long written = 0;
        while (!records.isEmpty()) {
            SpecificRecord r = records.readValue();
            // KPI records: the final one of each window; alerts (no `final` field): every change.
            var finalField = r.getSchema().getField("final");
            if (finalField == null || Boolean.TRUE.equals(r.get(finalField.pos()))) {
                ObjectNode json = JSON.createObjectNode().put("topic", topic);
                json.setAll(JsonAvro.toJson(r));
                writer.write(JSON.writeValueAsString(json));
                writer.newLine();
                written++;
            }
        }
        return written;
    }

    void appendTo(BufferedWriter out) throws IOException {
        writer.flush();
        try (BufferedReader in = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
            in.transferTo(out);
        }
    }

    @Override
    public void close() throws IOException {
        writer.close();
        Files.deleteIfExists(part);
    }
}
