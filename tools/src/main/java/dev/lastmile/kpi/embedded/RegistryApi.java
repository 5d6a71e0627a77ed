package dev.lastmile.kpi.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SchemaRegistryException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The Confluent Schema Registry REST subset that common tools use, over a registry that knows its subjects:
 * subjects and versions, schemas by id, lookup, global and per-subject compatibility (BACKWARD by default) and
 * compatibility checks. Registration is checked against the subject's level, so an incompatible schema gets
 * 409 as from a real registry. Status codes and error bodies ({@code {"error_code":40401,"message":...}}) are
 * Confluent's. Compatibility levels live in memory: a restarted demo is back to BACKWARD.
 */
final class RegistryApi {

    /** An answer: the HTTP status and the body, written as JSON. */
    record Reply(int status, Object body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUBJECT_VERSION = Pattern.compile("/subjects/([^/]+)/versions/([^/]+)");
    private static final Pattern SUBJECT_VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern SUBJECT = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern SCHEMA_VERSIONS = Pattern.compile("/schemas/ids/([^/]+)/versions");
    private static final Pattern SCHEMA = Pattern.compile("/schemas/ids/([^/]+)");
    private static final Pattern CONFIG = Pattern.compile("/config(?:/([^/]+))?");
    private static final Pattern COMPATIBILITY = Pattern.compile("/compatibility/subjects/([^/]+)/versions/([^/]+)");

    private final SchemaRegistryClient registry;
    private final SubjectVersions subjects;
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private final Map<String, CompatibilityLevel> subjectLevels = new LinkedHashMap<>();

    <R extends SchemaRegistryClient & SubjectVersions> RegistryApi(R registry) {
        this.registry = registry;
        this.subjects = registry;
    }

    /** Answers one request; {@code rawPath} still URL-encoded, {@code query} may be null. */
    synchronized Reply handle(String method, String rawPath, String query, byte[] body) {
        try {
            return route(method, rawPath, query == null ? "" : query, body);
        } catch (ApiError e) {
            return new Reply(e.status, ordered("error_code", e.code, "message", e.getMessage()));
        } catch (RuntimeException e) { // e.g. the schema file cannot be written
            return new Reply(500, ordered("error_code", 50001, "message", "Error in the backend data store: " + e.getMessage()));
        }
    }

    private Reply route(String method, String path, String query, byte[] body) {
        Matcher m;
        boolean get = method.equals("GET");
        boolean post = method.equals("POST");
        if (get && path.equals("/subjects")) {
            return ok(List.copyOf(subjects.subjects().keySet()));
        } else if (get && (m = SUBJECT_VERSIONS.matcher(path)).matches()) {
            List<Integer> versions = new ArrayList<>();
            for (int v = 1; v <= versionIds(decode(m.group(1))).size(); v++) {
                versions.add(v);
            }
            return ok(versions);
        } else if (post && (m = SUBJECT_VERSIONS.matcher(path)).matches()) {
            return register(decode(m.group(1)), schema(body));
        } else if (get && (m = SUBJECT_VERSION.matcher(path)).matches()) {
            String subject = decode(m.group(1));
            return ok(versionBody(subject, version(subject, decode(m.group(2)))));
        } else if (post && (m = SUBJECT.matcher(path)).matches()) {
            return lookup(decode(m.group(1)), schema(body));
        } else if (get && (m = SCHEMA_VERSIONS.matcher(path)).matches()) {
            int id = schemaId(m.group(1));
            schemaById(id); // 40403 for an id no subject has
            List<Map<String, Object>> uses = new ArrayList<>();
            subjects.subjects().forEach((subject, ids) -> {
                int index = ids.indexOf(id);
                if (index >= 0) {
                    uses.add(ordered("subject", subject, "version", index + 1));
                }
            });
            return ok(uses);
        } else if (get && (m = SCHEMA.matcher(path)).matches()) {
            return ok(Map.of("schema", schemaById(schemaId(m.group(1))).toString()));
        } else if ((m = CONFIG.matcher(path)).matches() && (get || method.equals("PUT"))) {
            return config(get, m.group(1) == null ? null : decode(m.group(1)), query, body);
        } else if (post && (m = COMPATIBILITY.matcher(path)).matches()) {
            String subject = decode(m.group(1));
            int version = version(subject, decode(m.group(2)));
            Schema candidate = schema(body);
            // Against the one version named, by the subject's level.
            List<String> problems = levelOf(subject).problems(candidate,
                    new TreeMap<>(Map.of(version, schemaById(versionIds(subject).get(version - 1)))));
            Map<String, Object> reply = ordered("is_compatible", problems.isEmpty());
            if (query.contains("verbose=true")) {
                reply.put("messages", problems);
            }
            return ok(reply);
        }
        throw new ApiError(404, 404, "HTTP 404 Not Found");
    }

    private Reply register(String subject, Schema schema) {
        List<Integer> ids = subjects.subjects().getOrDefault(subject, List.of());
        for (int id : ids) {
            if (schemaById(id).equals(schema)) {
                return ok(Map.of("id", id)); // already there: no check, as Confluent
            }
        }
        SortedMap<Integer, Schema> earlier = new TreeMap<>();
        for (int v = 1; v <= ids.size(); v++) {
            earlier.put(v, schemaById(ids.get(v - 1)));
        }
        List<String> problems = levelOf(subject).problems(schema, earlier);
        if (!problems.isEmpty()) {
            throw new ApiError(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                    + subject + "\", details: " + problems);
        }
        return ok(Map.of("id", registry.register(subject, schema)));
    }

    private Reply lookup(String subject, Schema schema) {
        List<Integer> ids = versionIds(subject);
        for (int v = 1; v <= ids.size(); v++) {
            if (schemaById(ids.get(v - 1)).equals(schema)) {
                return ok(versionBody(subject, v));
            }
        }
        throw new ApiError(404, 40403, "Schema not found");
    }

    private Reply config(boolean get, String subject, String query, byte[] body) {
        if (!get) {
            JsonNode given = json(body).get("compatibility");
            CompatibilityLevel level = CompatibilityLevel.parse(given == null ? null : given.asText())
                    .orElseThrow(() -> new ApiError(422, 42203, "Invalid compatibility level. Valid values are none, "
                            + "backward, forward, full, backward_transitive, forward_transitive, and full_transitive"));
            if (subject == null) {
                globalLevel = level;
            } else {
                subjectLevels.put(subject, level);
            }
            return ok(Map.of("compatibility", level.name()));
        }
        CompatibilityLevel level = subject == null ? globalLevel : subjectLevels.get(subject);
        if (level == null && query.contains("defaultToGlobal=true")) {
            level = globalLevel;
        }
        if (level == null) {
            throw new ApiError(404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
        }
        return ok(Map.of("compatibilityLevel", level.name()));
    }

    private CompatibilityLevel levelOf(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private Map<String, Object> versionBody(String subject, int version) {
        int id = versionIds(subject).get(version - 1);
        return ordered("subject", subject, "version", version, "id", id, "schema", schemaById(id).toString());
    }

    private List<Integer> versionIds(String subject) {
        List<Integer> ids = subjects.subjects().get(subject);
        if (ids == null || ids.isEmpty()) {
            throw new ApiError(404, 40401, "Subject '" + subject + "' not found.");
        }
        return ids;
    }

    /** A version number or "latest", checked against the subject's versions. */
    private int version(String subject, String given) {
        List<Integer> ids = versionIds(subject);
        if (given.equals("latest") || given.equals("-1")) {
            return ids.size();
        }
        int version;
        try {
            version = Integer.parseInt(given);
        } catch (NumberFormatException e) {
            version = 0;
        }
        if (version < 1) {
            throw new ApiError(422, 42202, "The specified version '" + given + "' is not a valid version id. Allowed "
                    + "values are between [1, 2^31-1] and the string \"latest\"");
        }
        if (version > ids.size()) {
            throw new ApiError(404, 40402, "Version " + version + " not found.");
        }
        return version;
    }

    private Schema schemaById(int id) {
        try {
            return registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            throw new ApiError(404, 40403, "Schema " + id + " not found");
        }
    }

    private static int schemaId(String given) {
        try {
            return Integer.parseInt(given);
        } catch (NumberFormatException e) {
            throw new ApiError(404, 40403, "Schema " + given + " not found");
        }
    }

    private static Schema schema(byte[] body) {
        JsonNode text = json(body).get("schema");
        if (text == null || !text.isTextual()) {
            throw new ApiError(422, 42201, "Invalid schema: the body has no \"schema\" string");
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new ApiError(422, 42201, "Invalid schema " + text.asText() + ", details: " + e.getMessage());
        }
    }

    private static JsonNode json(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiError(422, 42201, "Invalid JSON body: " + e.getMessage());
        }
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static Reply ok(Object body) {
        return new Reply(200, body);
    }

    /** A JSON object whose fields keep the order given, as Confluent writes them. */
    private static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** A request Confluent's registry refuses, with its HTTP status and error code. */
    private static final class ApiError extends RuntimeException {
        private final int status;
        private final int code;

        ApiError(int status, int code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }
}
