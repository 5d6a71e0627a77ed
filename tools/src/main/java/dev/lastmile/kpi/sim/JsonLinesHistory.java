package dev.lastmile.kpi.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.json.JsonAvro;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Writes a simulated history as the JSON Lines that {@code replay} reads. */
public final class JsonLinesHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLinesHistory() {
    }

    /** @return how many lines were written */
    public static long write(SimulationSettings settings, Duration span, Path output) throws IOException {
        Simulator simulator = new Simulator(settings);
        long end = settings.start().plus(span).toEpochMilli();
        long lines = 0;
        if (output.toAbsolutePath().getParent() != null) {
            Files.createDirectories(output.toAbsolutePath().getParent());
        }
        try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            // One simulated hour at a time keeps memory flat; then the follow-ups of the last deliveries.
            for (long t = settings.start().toEpochMilli(); t < end; t += 3_600_000L) {
                lines += write(simulator.advanceTo(t), out);
            }
            lines += write(simulator.advanceTo(end), out);
            lines += write(simulator.drain(), out);
        }
        return lines;
    }

    private static long write(List<SimEvent> events, BufferedWriter out) throws IOException {
        for (SimEvent e : events) {
            out.write(line(e));
            out.newLine();
        }
        return events.size();
    }

    /** One event as the JSON line replay reads. */
    public static String line(SimEvent e) throws IOException {
        ObjectNode json = JSON.createObjectNode().put("source", e.source().name().toLowerCase(Locale.ROOT));
        json.setAll(JsonAvro.toJson(e.event()));
        return JSON.writeValueAsString(json);
    }
}
