package dev.lastmile.kpi.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Confluent Schema Registry REST client: {@code POST /subjects/{subject}/versions} and
 * {@code GET /schemas/ids/{id}}, both cached, and uncached the calls tools use to look around: subjects and
 * their versions, lookup, compatibility levels and checks. Works against Confluent SR, Apicurio's ccompat API,
 * Karapace and Redpanda. HTTPS uses the JDK's trust store; basic auth takes {@code user:password}.
 *
 * <p>Failures come in two kinds, because callers must treat them differently: when the registry
 * cannot answer (no connection, timeout, HTTP 5xx, 408, 429, 401, 403) the call throws
 * {@link SchemaRegistryUnavailableException} (retry, never drop the record); when it answers
 * that the request itself is wrong (e.g. 404 for an unknown schema id, 409/422 for a schema it
 * will not register) it throws {@link SchemaRegistryException}.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /**
     * @param baseUrl  e.g. {@code https://registry.example.com:8081}
     * @param userInfo {@code user:password} for basic auth, or null
     * @param timeout  per request
     */
    public HttpSchemaRegistryClient(String baseUrl, String userInfo, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authorization = Optional.ofNullable(userInfo).filter(s -> !s.isBlank())
                .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        String path = subjectPath(subject) + "/versions";
        JsonNode reply = call("register schema under subject '" + subject + "'", path, "POST", schemaBody(schema));
        JsonNode id = reply.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException("Registry " + baseUrl + path + " answered without an id for subject '"
                    + subject + "': " + reply);
        }
        ids.put(schema, id.intValue());
        schemasById.putIfAbsent(id.intValue(), schema);
        return id.intValue();
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        String path = "/schemas/ids/" + id;
        JsonNode reply = call("fetch schema id " + id, path, "GET", null);
        JsonNode text = reply.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("Registry " + baseUrl + path + " answered without a schema: " + reply);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text.asText());
        } catch (RuntimeException e) {
            throw new SchemaRegistryException("Registry " + baseUrl + path + " returned a schema Avro cannot parse", e);
        }
        schemasById.put(id, schema);
        return schema;
    }

    @Override
    public String url() {
        return baseUrl;
    }

    /** {@code GET /subjects}: read-only, served by every Confluent-compatible registry, and filtered, not refused, under per-subject ACLs. */
    @Override
    public void check() {
        subjects();
    }

    /** {@code GET /subjects}. */
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("list subjects", "/subjects", "GET", null).forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    /** {@code GET /subjects/{subject}/versions}: the version numbers, oldest first. */
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("list versions of subject '" + subject + "'", subjectPath(subject) + "/versions", "GET", null)
                .forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    /** {@code GET /subjects/{subject}/versions/{version}}, {@code version} a number or "latest". */
    public SubjectVersion version(String subject, String version) {
        return subjectVersion(call("fetch version " + version + " of subject '" + subject + "'",
                subjectPath(subject) + "/versions/" + version, "GET", null));
    }

    /** {@code POST /subjects/{subject}}: the version of the subject that has this schema. */
    public SubjectVersion lookup(String subject, Schema schema) {
        return subjectVersion(call("look up a schema under subject '" + subject + "'", subjectPath(subject), "POST",
                schemaBody(schema)));
    }

    /** {@code GET /schemas/ids/{id}/versions}: each subject that has this schema, with its version there. */
    public Map<String, Integer> versionsOf(int id) {
        Map<String, Integer> uses = new LinkedHashMap<>();
        call("list the versions of schema id " + id, "/schemas/ids/" + id + "/versions", "GET", null)
                .forEach(u -> uses.put(u.get("subject").asText(), u.get("version").asInt()));
        return uses;
    }

    /** {@code GET /config} ({@code subject} null) or {@code GET /config/{subject}}: the compatibility level. */
    public String compatibility(String subject) {
        return call("read the compatibility level", configPath(subject), "GET", null).path("compatibilityLevel").asText();
    }

    /** {@code PUT /config} ({@code subject} null) or {@code PUT /config/{subject}}; answers the level set. */
    public String setCompatibility(String subject, String level) {
        return call("set the compatibility level", configPath(subject), "PUT",
                JSON.createObjectNode().put("compatibility", level).toString()).path("compatibility").asText();
    }

    /** {@code POST /compatibility/subjects/{subject}/versions/{version}}: may the schema follow that version. */
    public boolean isCompatible(String subject, String version, Schema schema) {
        return call("check compatibility with version " + version + " of subject '" + subject + "'",
                "/compatibility" + subjectPath(subject) + "/versions/" + version, "POST", schemaBody(schema))
                .path("is_compatible").asBoolean();
    }

    private static String subjectPath(String subject) {
        return "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private static String configPath(String subject) {
        return subject == null ? "/config" : "/config/" + URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private SubjectVersion subjectVersion(JsonNode reply) {
        Schema schema = new Schema.Parser().parse(reply.path("schema").asText());
        return new SubjectVersion(reply.path("subject").asText(), reply.path("version").asInt(),
                reply.path("id").asInt(), schema);
    }

    private JsonNode call(String what, String path, String method, String body) {
        URI uri = URI.create(baseUrl + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        authorization.ifPresent(a -> request.header("Authorization", a));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryUnavailableException("Schema registry " + uri + " unreachable while trying to "
                    + what + ": " + e, baseUrl, 0, e);
        } catch (InterruptedException e) {
            // Not the record's fault either: whoever interrupted us (a shutdown) decides what comes next.
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException("Interrupted while trying to " + what + " at " + uri,
                    baseUrl, 0, e);
        }
        int status = response.statusCode();
        if (isUnavailable(status)) {
            throw new SchemaRegistryUnavailableException("Schema registry " + uri + " failed to " + what + ": HTTP "
                    + status + " " + abbreviate(response.body()), baseUrl, status, null);
        }
        if (status / 100 != 2) {
            throw new SchemaRegistryException("Schema registry " + uri + " failed to " + what + ": HTTP " + status
                    + " " + abbreviate(response.body()), status);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("Schema registry " + uri + " answered with invalid JSON while trying to "
                    + what + ": " + abbreviate(response.body()), e);
        }
    }

    /**
     * Statuses that say the registry (or a proxy in front of it) cannot serve anyone right now, or
     * does not accept our credentials: an operator has to act, the record is not to blame.
     */
    static boolean isUnavailable(int status) {
        return status >= 500 || status == 408 || status == 429 || status == 401 || status == 403;
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
