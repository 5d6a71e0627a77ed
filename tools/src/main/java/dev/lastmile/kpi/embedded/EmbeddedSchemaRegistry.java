package dev.lastmile.kpi.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lastmile.kpi.http.HttpReplies;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.SchemaRegistryException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;

/**
 * The two Confluent Schema Registry endpoints a producer and a consumer use
 * ({@code POST /subjects/{subject}/versions}, {@code GET /schemas/ids/{id}}), served over HTTP
 * from an in-memory registry. It lets other processes (a second pipeline instance, a consumer
 * on the demo's KPI topics) share the ids of an embedded setup; not a production registry.
 * {@code GET /subjects} answers {@code []}: it is only there for {@code run}'s start-up check.
 * Tests can make it fail on demand ({@link #failWith}) to play a registry outage.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpServer server;
    private final SchemaRegistryClient backing;
    private final AtomicLong failedRequests = new AtomicLong();
    private volatile int failWith;
    private volatile boolean onlyRegistrations;

    private EmbeddedSchemaRegistry(HttpServer server, SchemaRegistryClient backing) {
        this.server = server;
        this.backing = backing;
    }

    /** Serves {@code backing} on 127.0.0.1 and a free port. */
    public static EmbeddedSchemaRegistry start(SchemaRegistryClient backing) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, backing);
        server.createContext("/", registry::handle);
        server.start();
        return registry;
    }

    /** From now on every request is answered with HTTP {@code status} (e.g. 503), until {@link #recover()}. */
    public void failWith(int status) {
        this.onlyRegistrations = false;
        this.failWith = status;
    }

    /** From now on only registrations ({@code POST /subjects/...}) fail with HTTP {@code status}: reads still work. */
    public void failRegistrationsWith(int status) {
        this.onlyRegistrations = true;
        this.failWith = status;
    }

    /** Answers normally again. */
    public void recover() {
        this.failWith = 0;
    }

    /** Requests answered with a forced failure so far. */
    public long failedRequests() {
        return failedRequests.get();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        int failure = failWith;
        if (failure != 0 && (!onlyRegistrations || exchange.getRequestMethod().equals("POST"))) {
            failedRequests.incrementAndGet();
            reply(exchange, failure, Map.of("error_code", failure * 100, "message", "failing on purpose (test)"));
            return;
        }
        try {
            if (exchange.getRequestMethod().equals("GET") && path.equals("/subjects")) {
                reply(exchange, 200, List.of());
                return;
            }
            if (exchange.getRequestMethod().equals("POST") && path.startsWith("/subjects/")
                    && path.endsWith("/versions")) {
                String subject = URLDecoder.decode(path.substring("/subjects/".length(),
                        path.length() - "/versions".length()), StandardCharsets.UTF_8);
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                Schema schema = new Schema.Parser().parse(body.get("schema").asText());
                reply(exchange, 200, Map.of("id", backing.register(subject, schema)));
            } else if (exchange.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
                int id = Integer.parseInt(path.substring("/schemas/ids/".length()));
                reply(exchange, 200, Map.of("schema", backing.schemaById(id).toString()));
            } else {
                reply(exchange, 404, Map.of("error_code", 404, "message", "not served here: " + path));
            }
        } catch (SchemaRegistryException | NumberFormatException e) {
            reply(exchange, 404, Map.of("error_code", 40403, "message", String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            reply(exchange, 422, Map.of("error_code", 42201, "message", String.valueOf(e.getMessage())));
        }
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        HttpReplies.send(exchange, status, CONTENT_TYPE, JSON.writeValueAsBytes(body));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
