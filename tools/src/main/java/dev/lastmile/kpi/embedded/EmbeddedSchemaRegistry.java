package dev.lastmile.kpi.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lastmile.kpi.http.HttpReplies;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Confluent Schema Registry served over HTTP from an in-process registry ({@link RegistryApi}: subjects,
 * versions, schemas by id, lookup, compatibility levels and checks). It lets other processes (a second
 * pipeline instance, `consume`, a consumer on the demo's KPI topics, generic registry tools) share the ids of
 * an embedded setup; not a production registry. Subjects are listed for a {@link FileSchemaRegistry} (the
 * demo's); over another registry (the tests' mock) only those registered over HTTP. Tests can make it fail on
 * demand ({@link #failWith}) to play a registry outage.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpServer server;
    private final RegistryApi api;
    private final AtomicLong failedRequests = new AtomicLong();
    private volatile int failWith;
    private volatile boolean onlyRegistrations;

    private EmbeddedSchemaRegistry(HttpServer server, RegistryApi api) {
        this.server = server;
        this.api = api;
    }

    /** Serves {@code backing} on 127.0.0.1 and a free port. */
    public static EmbeddedSchemaRegistry start(SchemaRegistryClient backing) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        RegistryApi api;
        if (backing instanceof FileSchemaRegistry listed) {
            api = new RegistryApi(listed);
        } else {
            api = new RegistryApi(new RecordedSubjects(backing));
        }
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, api);
        server.createContext("/", registry::handle);
        server.start();
        return registry;
    }

    /** From now on every request is answered with HTTP {@code status} (e.g. 503), until {@link #recover()}. */
    public void failWith(int status) {
        this.onlyRegistrations = false;
        this.failWith = status;
    }

    /** From now on only POST requests (registration, lookup, compatibility check) fail with HTTP {@code status}: reads still work. */
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
        RegistryApi.Reply reply = api.handle(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                exchange.getRequestBody().readAllBytes());
        reply(exchange, reply.status(), reply.body());
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        HttpReplies.send(exchange, status, CONTENT_TYPE, JSON.writeValueAsBytes(body));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
