package dev.lastmile.kpi.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which failures are the registry's (retry, never drop the record) and which are the record's
 * (dead-letter it), against a real JDK HTTP server that answers what each test sets.
 */
class HttpSchemaRegistryClientFailureTest {

    private static final String TOPIC = "lastmile.delivery-events";

    private HttpServer server;
    private String baseUrl;
    private volatile int status = 200;
    private volatile String body = "{}";
    private volatile long delayMillis;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private HttpSchemaRegistryClient client(Duration timeout) {
        return new HttpSchemaRegistryClient(baseUrl, null, timeout);
    }

    private void answer(int status, String body) {
        this.status = status;
        this.body = body;
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 502, 503, 504, 408, 429, 401, 403})
    void shouldReportTheRegistryUnavailableWhenItAnswersWithAnInfrastructureStatus(int code) {
        answer(code, "{\"error_code\":" + code + ",\"message\":\"no\"}");
        SchemaRegistryClient client = client(Duration.ofSeconds(5));
        for (Runnable call : new Runnable[] {() -> client.schemaById(7),
                () -> client.register("t-value", DeliveryEvent.getClassSchema()), client::check}) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(SchemaRegistryUnavailableException.class, e -> {
                assertThat(e.httpStatus()).isEqualTo(code);
                assertThat(e.registryUrl()).isEqualTo(baseUrl);
                assertThat(e).hasMessageContaining("HTTP " + code).isNotInstanceOf(SerializationException.class);
            });
        }
    }

    @Test
    void shouldReportTheRegistryUnavailableWhenTheConnectionIsRefused() {
        server.stop(0);
        assertThatThrownBy(() -> client(Duration.ofSeconds(5)).schemaById(7))
                .isInstanceOfSatisfying(SchemaRegistryUnavailableException.class,
                        e -> assertThat(e.httpStatus()).isZero())
                .hasMessageContaining("unreachable").hasMessageContaining(baseUrl + "/schemas/ids/7");
    }

    @Test
    void shouldReportTheRegistryUnavailableWhenItDoesNotAnswerInTime() {
        delayMillis = 2_000;
        assertThatThrownBy(() -> client(Duration.ofMillis(200)).schemaById(7))
                .isInstanceOf(SchemaRegistryUnavailableException.class).hasMessageContaining("unreachable");
    }

    @Test
    void shouldBlameTheRecordWhenTheRegistryDoesNotKnowItsSchemaId() {
        answer(404, "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}");
        SpecificAvroDeserializer<DeliveryEvent> decoder =
                new SpecificAvroDeserializer<>(DeliveryEvent.getClassSchema(), client(Duration.ofSeconds(5)));
        assertThatThrownBy(() -> decoder.deserialize(TOPIC, new byte[] {0, 0, 0, 0, 7, 1, 2}))
                .isInstanceOf(SchemaRegistryException.class).isInstanceOf(SerializationException.class)
                .isNotInstanceOf(SchemaRegistryUnavailableException.class).hasMessageContaining("HTTP 404");
    }

    @Test
    void shouldBlameTheRecordForBadWireFormatOrAvroWithoutAskingAFailingRegistry() {
        answer(503, "down");
        SchemaRegistryClient registry = MockSchemaRegistry.forScope("failure-test-avro");
        byte[] good = SpecificAvroSerde.of(DeliveryEvent.getClassSchema(), registry).serializer().serialize(TOPIC, event());
        byte[] truncated = java.util.Arrays.copyOf(good, 9);
        SpecificAvroDeserializer<DeliveryEvent> viaMock = new SpecificAvroDeserializer<>(DeliveryEvent.getClassSchema(), registry);
        SpecificAvroDeserializer<DeliveryEvent> viaHttp =
                new SpecificAvroDeserializer<>(DeliveryEvent.getClassSchema(), client(Duration.ofSeconds(5)));
        try {
            assertThatThrownBy(() -> viaHttp.deserialize(TOPIC, new byte[] {1, 0, 0, 0, 1, 2}))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("magic byte 1");
            assertThatThrownBy(() -> viaHttp.deserialize(TOPIC, new byte[] {0, 0}))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("shorter than");
            assertThatThrownBy(() -> viaMock.deserialize(TOPIC, truncated))
                    .isInstanceOf(SerializationException.class).hasMessageContaining("Cannot decode");
        } finally {
            MockSchemaRegistry.dropScope("failure-test-avro");
        }
    }

    @Test
    void shouldPassTheOutageThroughTheSerdeUnwrappedBothWays() {
        answer(503, "{\"error_code\":50301,\"message\":\"down\"}");
        SpecificAvroSerde<DeliveryEvent> serde = SpecificAvroSerde.of(DeliveryEvent.getClassSchema(),
                client(Duration.ofSeconds(5)));
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[] {0, 0, 0, 0, 7, 1, 2}))
                .isInstanceOf(SchemaRegistryUnavailableException.class);
        assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, event()))
                .isInstanceOf(SchemaRegistryUnavailableException.class);
    }

    @Test
    void shouldFindTheOutageAmongWrappingCauses() {
        SchemaRegistryUnavailableException outage = new SchemaRegistryUnavailableException("down", baseUrl, 503, null);
        RuntimeException wrapped = new RuntimeException("task failed", new IllegalStateException("x", outage));
        assertThat(SchemaRegistryUnavailableException.find(wrapped)).isSameAs(outage);
        assertThat(SchemaRegistryUnavailableException.isCauseOf(new RuntimeException(new SerializationException()))).isFalse();
    }

    @Test
    void shouldPassTheStartUpCheckWhenTheRegistryAnswers() {
        answer(200, "[\"lastmile.delivery-events-value\"]");
        assertThatCode(() -> client(Duration.ofSeconds(5)).check()).doesNotThrowAnyException();
        answer(404, "<html>not here</html>");
        assertThatThrownBy(() -> client(Duration.ofSeconds(5)).check()).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(baseUrl + "/subjects");
    }

    private static DeliveryEvent event() {
        return DeliveryEvent.newBuilder().setEventId("e-1").setDeliveryId("d-1").setRouteId("r-1")
                .setDriverId("drv").setRegion("north").setStatus(DeliveryStatus.DELIVERED)
                .setEventTime(Instant.parse("2026-11-02T08:15:00Z"))
                .setPromisedBy(Instant.parse("2026-11-02T09:00:00Z")).setCostCents(500).build();
    }
}
