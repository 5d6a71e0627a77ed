package dev.lastmile.kpi.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lastmile.kpi.serde.HttpSchemaRegistryClient;
import dev.lastmile.kpi.serde.SchemaRegistryException;
import dev.lastmile.kpi.serde.SubjectVersion;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded registry's Confluent API, pinned: every request is made over raw HTTP (status and body as
 * Confluent's registry answers them) and, where the project's client has the call, through
 * {@link HttpSchemaRegistryClient} too, which must see the same answer or fail with the same status.
 */
class EmbeddedSchemaRegistryContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SUBJECT = "things-value";
    private static final Schema V1 = parse("{\"type\":\"record\",\"name\":\"Thing\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}");
    /** V1 plus an optional field: BACKWARD compatible. */
    private static final Schema V2 = parse("{\"type\":\"record\",\"name\":\"Thing\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
    /** V2 plus a required field: cannot read what V2 wrote. */
    private static final Schema BREAKING = parse("{\"type\":\"record\",\"name\":\"Thing\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"count\",\"type\":\"int\"}]}");

    private EmbeddedSchemaRegistry server;
    private HttpSchemaRegistryClient client;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        server = EmbeddedSchemaRegistry.start(FileSchemaRegistry.open(dir.resolve("schemas.json"), "mock://contract"));
        client = new HttpSchemaRegistryClient(server.url(), null, Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldListSubjectsAndVersionsAndServeEachVersionAndSchema() throws Exception {
        assertAnswer("GET", "/subjects", null, 200, "[]");
        assertThat(client.subjects()).isEmpty();
        String notFound = "{\"error_code\":40401,\"message\":\"Subject 'things-value' not found.\"}";
        assertAnswer("GET", "/subjects/things-value/versions", null, 404, notFound);
        assertFails(() -> client.versions(SUBJECT), 404, notFound);

        assertThat(client.register(SUBJECT, V1)).isEqualTo(1);
        assertAnswer("POST", "/subjects/things-value/versions", schemaBody(V1), 200, "{\"id\":1}");
        assertAnswer("POST", "/subjects/things-value/versions", schemaBody(V2), 200, "{\"id\":2}");
        assertAnswer("GET", "/subjects", null, 200, "[\"things-value\"]");
        assertThat(client.subjects()).containsExactly(SUBJECT);
        assertAnswer("GET", "/subjects/things-value/versions", null, 200, "[1,2]");
        assertThat(client.versions(SUBJECT)).containsExactly(1, 2);

        assertAnswer("GET", "/subjects/things-value/versions/latest", null, 200, versionBody(2, 2, V2));
        assertThat(client.version(SUBJECT, "latest")).isEqualTo(new SubjectVersion(SUBJECT, 2, 2, V2));
        assertAnswer("GET", "/subjects/things-value/versions/1", null, 200, versionBody(1, 1, V1));
        assertThat(client.version(SUBJECT, "1")).isEqualTo(new SubjectVersion(SUBJECT, 1, 1, V1));
        String noVersion = "{\"error_code\":40402,\"message\":\"Version 3 not found.\"}";
        assertAnswer("GET", "/subjects/things-value/versions/3", null, 404, noVersion);
        assertFails(() -> client.version(SUBJECT, "3"), 404, noVersion);
        String badVersion = "{\"error_code\":42202,\"message\":\"The specified version 'one' is not a valid version id. "
                + "Allowed values are between [1, 2^31-1] and the string \\\"latest\\\"\"}";
        assertAnswer("GET", "/subjects/things-value/versions/one", null, 422, badVersion);
        assertFails(() -> client.version(SUBJECT, "one"), 422, badVersion);

        assertAnswer("GET", "/schemas/ids/2", null, 200, JSON.writeValueAsString(Map.of("schema", V2.toString())));
        assertThat(client.schemaById(2)).isEqualTo(V2);
        String noSchema = "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}";
        assertAnswer("GET", "/schemas/ids/99", null, 404, noSchema);
        assertFails(() -> client.schemaById(99), 404, noSchema);
        assertAnswer("GET", "/schemas/ids/2/versions", null, 200, "[{\"subject\":\"things-value\",\"version\":2}]");
        assertThat(client.versionsOf(2)).containsExactly(Map.entry(SUBJECT, 2));
        assertAnswer("GET", "/schemas/ids/99/versions", null, 404, noSchema);
        assertFails(() -> client.versionsOf(99), 404, noSchema);

        assertAnswer("POST", "/subjects/things-value", schemaBody(V1), 200, versionBody(1, 1, V1));
        assertThat(client.lookup(SUBJECT, V1)).isEqualTo(new SubjectVersion(SUBJECT, 1, 1, V1));
        String notUnderSubject = "{\"error_code\":40403,\"message\":\"Schema not found\"}";
        assertAnswer("POST", "/subjects/things-value", schemaBody(BREAKING), 404, notUnderSubject);
        assertFails(() -> client.lookup(SUBJECT, BREAKING), 404, notUnderSubject);
        assertAnswer("POST", "/subjects/other-value", schemaBody(V1), 404,
                "{\"error_code\":40401,\"message\":\"Subject 'other-value' not found.\"}");
    }

    @Test
    void shouldRefuseAnIncompatibleSchemaUnderBackwardByDefaultWith409() throws Exception {
        client.register(SUBJECT, V1);
        client.register(SUBJECT, V2);
        assertAnswer("GET", "/config", null, 200, "{\"compatibilityLevel\":\"BACKWARD\"}");
        assertThat(client.compatibility(null)).isEqualTo("BACKWARD");
        String noSubjectLevel = "{\"error_code\":40408,\"message\":\"Subject 'things-value' does not have "
                + "subject-level compatibility configured\"}";
        assertAnswer("GET", "/config/things-value", null, 404, noSubjectLevel);
        assertFails(() -> client.compatibility(SUBJECT), 404, noSubjectLevel);
        assertAnswer("GET", "/config/things-value?defaultToGlobal=true", null, 200, "{\"compatibilityLevel\":\"BACKWARD\"}");

        assertAnswer("POST", "/compatibility/subjects/things-value/versions/latest", schemaBody(BREAKING), 200,
                "{\"is_compatible\":false}");
        assertThat(client.isCompatible(SUBJECT, "latest", BREAKING)).isFalse();
        assertAnswer("POST", "/compatibility/subjects/things-value/versions/1", schemaBody(V2), 200,
                "{\"is_compatible\":true}");
        assertThat(client.isCompatible(SUBJECT, "1", V2)).isTrue();
        HttpResponse<String> verbose = send("POST", "/compatibility/subjects/things-value/versions/latest?verbose=true",
                schemaBody(BREAKING));
        assertThat(JSON.readTree(verbose.body()).get("messages").get(0).asText())
                .startsWith("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'").contains("count");

        HttpResponse<String> refused = send("POST", "/subjects/things-value/versions", schemaBody(BREAKING));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(refused.body()).get("error_code").asInt()).isEqualTo(409);
        assertThat(JSON.readTree(refused.body()).get("message").asText()).startsWith("Schema being registered is "
                + "incompatible with an earlier schema for subject \"things-value\", details: "
                + "[{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'").endsWith("{compatibility: 'BACKWARD'}]");
        SchemaRegistryException byClient = catchThrowableOfType(SchemaRegistryException.class,
                () -> client.register(SUBJECT, BREAKING));
        assertThat(byClient.status()).isEqualTo(409);
        assertThat(client.versions(SUBJECT)).as("nothing registered").containsExactly(1, 2);

        assertAnswer("PUT", "/config/things-value", "{\"compatibility\":\"NONE\"}", 200, "{\"compatibility\":\"NONE\"}");
        assertThat(client.setCompatibility(SUBJECT, "none")).isEqualTo("NONE");
        assertThat(client.compatibility(SUBJECT)).isEqualTo("NONE");
        assertThat(client.compatibility(null)).as("the global level stays").isEqualTo("BACKWARD");
        assertThat(client.register(SUBJECT, BREAKING)).isEqualTo(3);
        assertThat(client.versions(SUBJECT)).containsExactly(1, 2, 3);

        String badLevel = "{\"error_code\":42203,\"message\":\"Invalid compatibility level. Valid values are none, "
                + "backward, forward, full, backward_transitive, forward_transitive, and full_transitive\"}";
        assertAnswer("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}", 422, badLevel);
        assertFails(() -> client.setCompatibility(null, "SIDEWAYS"), 422, badLevel);
        assertThat(client.setCompatibility(null, "FULL_TRANSITIVE")).isEqualTo("FULL_TRANSITIVE");
        assertAnswer("GET", "/config", null, 200, "{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
    }

    @Test
    void shouldAnswerAnUnparsableSchemaWith42201AndAnUnknownPathWith404() throws Exception {
        HttpResponse<String> invalid = send("POST", "/subjects/things-value/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(invalid.body()).get("error_code").asInt()).isEqualTo(42201);
        assertAnswer("GET", "/nothing/here", null, 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
        assertAnswer("DELETE", "/subjects", null, 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
    }

    private void assertAnswer(String method, String path, String body, int status, String expectedBody) throws Exception {
        HttpResponse<String> response = send(method, path, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body())).as(method + " " + path).isEqualTo(JSON.readTree(expectedBody));
        assertThat(response.body()).as("error bodies to the character").satisfiesAnyOf(
                b -> assertThat(status).isEqualTo(200), b -> assertThat(b).isEqualTo(expectedBody));
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
    }

    private static void assertFails(Runnable call, int status, String body) {
        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, call::run);
        assertThat(e).as("the client's call fails").isNotNull();
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.getMessage()).endsWith("HTTP " + status + " " + body);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String schemaBody(Schema schema) throws Exception {
        return JSON.writeValueAsString(Map.of("schema", schema.toString()));
    }

    private static String versionBody(int version, int id, Schema schema) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", SUBJECT);
        body.put("version", version);
        body.put("id", id);
        body.put("schema", schema.toString());
        return JSON.writeValueAsString(body);
    }

    private static Schema parse(String text) {
        return new Schema.Parser().parse(text);
    }
}
