package dev.lastmile.kpi.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lastmile.kpi.deploy.DeployFiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** docs/asyncapi.yaml as a tree, with what the tests read from it. */
public final class AsyncApiDocument {

    public static final Path PATH = Path.of("..", "docs", "asyncapi.yaml");
    public static final JsonNode DOC = DeployFiles.yaml(PATH);

    private AsyncApiDocument() {
    }

    /**
     * The headers the messages of a channel declare: every property of their header schemas (through local
     * {@code $ref}s and {@code allOf}), by name, and which of them are required.
     */
    public static Headers headers(String channel) {
        Map<String, JsonNode> properties = new TreeMap<>();
        Set<String> required = new TreeSet<>();
        DOC.path("channels").path(channel).path("messages")
                .forEach(m -> collect(schema(m.path("headers")), properties, required));
        assertThat(properties).as("headers of channel %s", channel).isNotEmpty();
        return new Headers(properties, required);
    }

    /** Header schemas by name (each with its type, pattern, enum, format), and the names that are required. */
    public record Headers(Map<String, JsonNode> properties, Set<String> required) {
    }

    private static void collect(JsonNode schema, Map<String, JsonNode> properties, Set<String> required) {
        schema.path("properties").fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue()));
        schema.path("required").forEach(r -> required.add(r.asText()));
        schema.path("allOf").forEach(s -> collect(schema(s), properties, required));
    }

    /** A schema, or the one its local {@code $ref} names. */
    public static JsonNode schema(JsonNode node) {
        String ref = node.path("$ref").asText("");
        if (ref.isEmpty()) {
            return node;
        }
        assertThat(ref).as("a local $ref").startsWith("#/");
        return DOC.at(ref.substring(1));
    }
}
