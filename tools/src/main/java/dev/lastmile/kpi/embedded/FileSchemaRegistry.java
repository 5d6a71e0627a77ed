package dev.lastmile.kpi.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.files.AtomicFile;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SchemaRegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * An in-process registry that keeps its ids in a file, so they survive a restart (or a kill -9)
 * of the demo: records written before still decode by their id afterwards. One global id per
 * distinct schema text, shared across subjects, as the real registry does; a new schema gets the
 * next id after the highest ever given. The file is rewritten atomically ({@link AtomicFile})
 * before a new id is handed out, so no record can carry an id the file does not have.
 */
public final class FileSchemaRegistry implements SchemaRegistryClient, SubjectVersions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final String url;
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<String, Integer> idByText = new LinkedHashMap<>();
    /** What {@link #register} answered, by subject and schema. */
    private final Map<String, Map<Schema, Integer>> registered = new ConcurrentHashMap<>();
    /** Subject to the ids of its versions, oldest first. */
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();

    private FileSchemaRegistry(Path file, String url) {
        this.file = file;
        this.url = url;
    }

    /**
     * The registry kept in {@code file}, with what it holds already (none if it does not exist).
     *
     * @param url what {@link #url()} answers, for messages
     */
    public static FileSchemaRegistry open(Path file, String url) throws IOException {
        FileSchemaRegistry registry = new FileSchemaRegistry(file, url);
        if (Files.exists(file)) {
            registry.load(JSON.readTree(file.toFile()));
        }
        return registry;
    }

    private void load(JsonNode root) {
        for (JsonNode s : root.path("schemas")) {
            String text = s.get("schema").asText();
            int id = s.get("id").asInt();
            byId.put(id, new Schema.Parser().parse(text));
            idByText.put(text, id);
        }
        root.path("subjects").properties().forEach(e -> {
            List<Integer> versions = new ArrayList<>();
            e.getValue().forEach(v -> versions.add(v.asInt()));
            subjects.put(e.getKey(), versions);
        });
    }

    @Override
    public int register(String subject, Schema schema) {
        // Serializers register on every record: answer known pairs without a lock or Schema.toString().
        Integer cached = registered.getOrDefault(subject, Map.of()).get(schema);
        return cached != null ? cached : registerNew(subject, schema);
    }

    private synchronized int registerNew(String subject, Schema schema) {
        String text = schema.toString();
        Integer known = idByText.get(text);
        List<Integer> versions = subjects.get(subject);
        if (known != null && versions != null && versions.contains(known)) {
            remember(subject, schema, known);
            return known;
        }
        int id = known != null ? known : byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        List<Integer> newVersions = versions == null ? new ArrayList<>() : new ArrayList<>(versions);
        newVersions.add(id);
        Map<String, List<Integer>> newSubjects = new LinkedHashMap<>(subjects);
        newSubjects.put(subject, newVersions);
        Map<Integer, String> texts = new LinkedHashMap<>();
        idByText.forEach((t, i) -> texts.put(i, t));
        texts.put(id, text);
        try {
            AtomicFile.write(file, serialize(texts, newSubjects));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep schema id " + id + " of subject " + subject + " in " + file
                    + ": " + e.getMessage(), e);
        }
        idByText.put(text, id);
        byId.put(id, schema);
        subjects.put(subject, newVersions);
        remember(subject, schema, id);
        return id;
    }

    private void remember(String subject, Schema schema, int id) {
        registered.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
    }

    private static byte[] serialize(Map<Integer, String> texts, Map<String, List<Integer>> subjects)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode schemas = root.putArray("schemas");
        texts.forEach((id, text) -> schemas.addObject().put("id", id).put("schema", text));
        ObjectNode bySubject = root.putObject("subjects");
        subjects.forEach((subject, ids) -> {
            ArrayNode versions = bySubject.putArray(subject);
            ids.forEach(versions::add);
        });
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema id " + id + " not found in registry " + url + " (kept in "
                    + file + ")");
        }
        return schema;
    }

    /** The subjects and, for each, the ids of its versions, oldest first. */
    @Override
    public synchronized Map<String, List<Integer>> subjects() {
        Map<String, List<Integer>> copy = new LinkedHashMap<>();
        subjects.forEach((s, ids) -> copy.put(s, List.copyOf(ids)));
        return copy;
    }

    @Override
    public String url() {
        return url;
    }
}
