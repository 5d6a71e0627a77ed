package dev.lastmile.kpi.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.files.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The settings of a simulation, kept in a file so a restarted demo can replay the same events
 * (the simulator is deterministic for its settings) and continue where it stopped.
 */
public final class SimulationSettingsFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SimulationSettingsFile() {
    }

    /** The settings kept in {@code file}, if it exists. */
    public static Optional<SimulationSettings> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode j = JSON.readTree(file.toFile());
        List<String> regions = new ArrayList<>();
        j.get("regions").forEach(r -> regions.add(r.asText()));
        return Optional.of(new SimulationSettings(j.get("seed").asLong(), Instant.parse(j.get("start").asText()),
                regions, j.get("routesPerRegion").asInt(), j.get("driversPerRoute").asInt(),
                j.get("deliveriesPerHour").asDouble(), j.get("disorderShare").asDouble(),
                Duration.parse(j.get("maxDisorder").asText()), j.get("duplicateShare").asDouble(),
                j.get("invalidShare").asDouble(), j.get("dipRegion").asText(),
                Duration.parse(j.get("dipFrom").asText()), Duration.parse(j.get("dipUntil").asText())));
    }

    /** Replaces {@code file} with {@code settings}, atomically. */
    public static void write(Path file, SimulationSettings s) throws IOException {
        ObjectNode j = JSON.createObjectNode().put("seed", s.seed()).put("start", s.start().toString());
        s.regions().forEach(j.putArray("regions")::add);
        j.put("routesPerRegion", s.routesPerRegion()).put("driversPerRoute", s.driversPerRoute())
                .put("deliveriesPerHour", s.deliveriesPerHour()).put("disorderShare", s.disorderShare())
                .put("maxDisorder", s.maxDisorder().toString()).put("duplicateShare", s.duplicateShare())
                .put("invalidShare", s.invalidShare()).put("dipRegion", s.dipRegion())
                .put("dipFrom", s.dipFrom().toString()).put("dipUntil", s.dipUntil().toString());
        AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(j));
    }
}
