package dev.lastmile.kpi.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP client against a real HTTP server, started in the test, that implements the two
 * Confluent endpoints the client uses (and can be told to fail).
 */
class HttpSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private String baseUrl;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authHeaders = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> idsBySchemaText = new ConcurrentHashMap<>();
    private final List<String> schemasById = new ArrayList<>();
    private volatile int forcedStatus;

    @BeforeEach
    void startRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopRegistry() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        authHeaders.add(auth == null ? "" : auth);
        if (forcedStatus != 0) {
            reply(exchange, forcedStatus, "{\"error_code\":" + forcedStatus + ",\"message\":\"forced\"}");
            return;
        }
        if (exchange.getRequestMethod().equals("POST") && path.matches("/subjects/[^/]+/versions")) {
            if (!HttpSchemaRegistryClient.CONTENT_TYPE.equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                reply(exchange, 415, "{\"message\":\"wrong content type\"}");
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            String schema = body.get("schema").asText();
            int id = idsBySchemaText.computeIfAbsent(schema, s -> {
                schemasById.add(s);
                return schemasById.size();
            });
            reply(exchange, 200, "{\"id\":" + id + "}");
        } else if (exchange.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
            int id = Integer.parseInt(path.substring("/schemas/ids/".length()));
            if (id < 1 || id > schemasById.size()) {
                reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
                return;
            }
            reply(exchange, 200, JSON.writeValueAsString(Map.of("schema", schemasById.get(id - 1))));
        } else {
            reply(exchange, 404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private HttpSchemaRegistryClient client(String userInfo) {
        return new HttpSchemaRegistryClient(baseUrl, userInfo, Duration.ofSeconds(5));
    }

    private static DeliveryEvent event() {
        return DeliveryEvent.newBuilder().setEventId("e-9").setDeliveryId("d-9").setRouteId("r-9")
                .setDriverId("drv").setRegion("north").setStatus(DeliveryStatus.FAILED)
                .setEventTime(Instant.parse("2026-11-02T08:15:00Z"))
                .setPromisedBy(Instant.parse("2026-11-02T09:00:00Z")).setCostCents(640).build();
    }

    @Test
    void shouldRoundTripThroughTheRegistryAndCacheBothLookups() {
        SpecificAvroSerde<DeliveryEvent> producerSide = SpecificAvroSerde.of(DeliveryEvent.getClassSchema(),
                client(null));
        SpecificAvroSerde<DeliveryEvent> consumerSide = SpecificAvroSerde.of(DeliveryEvent.getClassSchema(),
                client(null));

        byte[] first = producerSide.serializer().serialize("lastmile.delivery-events", event());
        byte[] second = producerSide.serializer().serialize("lastmile.delivery-events", event());
        DeliveryEvent read1 = consumerSide.deserializer().deserialize("lastmile.delivery-events", first);
        DeliveryEvent read2 = consumerSide.deserializer().deserialize("lastmile.delivery-events", second);

        assertThat(read1).isEqualTo(event());
        assertThat(read2).isEqualTo(event());
        assertThat(ConfluentWireFormat.schemaId(first, "t")).isEqualTo(1);
        assertThat(requests).containsExactly(
                "POST /subjects/lastmile.delivery-events-value/versions",
                "GET /schemas/ids/1");
        assertThat(new Schema.Parser().parse(schemasById.get(0))).isEqualTo(DeliveryEvent.getClassSchema());
    }

    @Test
    void shouldSendBasicAuth() {
        client("svc-kpi:s3cret").register("topic-value", DeliveryEvent.getClassSchema());
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString("svc-kpi:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(authHeaders).containsExactly(expected);
    }

    @Test
    void shouldNameUrlAndSubjectWhenTheRegistryAnswers5xx() {
        forcedStatus = 503;
        assertThatThrownBy(() -> client(null).register("lastmile.kpi.delivery-value", DeliveryEvent.getClassSchema()))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining(baseUrl + "/subjects/lastmile.kpi.delivery-value/versions")
                .hasMessageContaining("subject 'lastmile.kpi.delivery-value'")
                .hasMessageContaining("HTTP 503");
    }

    @Test
    void shouldNameUrlAndIdWhenASchemaIsNotFound() {
        assertThatThrownBy(() -> client(null).schemaById(77))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(baseUrl + "/schemas/ids/77")
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void shouldNameUrlAndSubjectWhenTheRegistryIsUnreachable() {
        server.stop(0);
        assertThatThrownBy(() -> client(null).register("orders-value", DeliveryEvent.getClassSchema()))
                .isInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessageContaining("unreachable")
                .hasMessageContaining(baseUrl + "/subjects/orders-value/versions")
                .hasMessageContaining("subject 'orders-value'");
    }

    @Test
    void shouldRejectUrlsThatAreNotARegistry() {
        assertThatThrownBy(() -> SchemaRegistryClients.forUrl("localhost:8081", null))
                .hasMessageContaining("schema.registry.url=localhost:8081");
        assertThat(SchemaRegistryClients.fromConfigs(Map.of(SchemaRegistryClients.URL_CONFIG, baseUrl)).url())
                .isEqualTo(baseUrl);
    }
}
