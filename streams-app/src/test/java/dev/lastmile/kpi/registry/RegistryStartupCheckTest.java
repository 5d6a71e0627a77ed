package dev.lastmile.kpi.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.serde.SchemaRegistryClients;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `run`'s registry check against a real JDK HTTP server. */
class RegistryStartupCheckTest {

    private HttpServer server;
    private String url;
    private volatile int status;
    private volatile String body;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void check() {
        RegistryStartupCheck.check(SchemaRegistryClients.forUrl(url, "u:p", Duration.ofSeconds(2)));
    }

    @Test
    void shouldPassWhenTheRegistryListsItsSubjects() {
        status = 200;
        body = "[\"a-value\"]";
        check();
    }

    @Test
    void shouldNameTheSettingAndTheFixInOneLineWhenTheRegistryRefusesTheCredentials() {
        status = 401;
        body = "{\"error_code\":401,\n\"message\":\"Unauthorized\"}";
        assertThatThrownBy(this::check).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Schema registry schema.registry.url=" + url + " refuses the credentials (HTTP 401)")
                .hasMessageContaining("Fix: set schema.registry.basic.auth.user.info")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldNameTheSettingAndTheFixInOneLineWhenTheRegistryIsFailingOrUnreachable() {
        status = 503;
        body = "<html>\n<body>Service Unavailable</body>\n</html>";
        assertThatThrownBy(this::check).hasMessageStartingWith("Schema registry schema.registry.url=" + url
                + " is unreachable or failing").hasMessageContaining("HTTP 503")
                .hasMessageContaining("Fix: start the registry or correct schema.registry.url")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        server.stop(0);
        assertThatThrownBy(this::check).hasMessageContaining("is unreachable or failing")
                .hasMessageContaining("ConnectException");
    }

    @Test
    void shouldSayWhenTheUrlIsNotARegistry() {
        status = 404;
        body = "not found";
        assertThatThrownBy(this::check).hasMessageContaining("does not answer like a Confluent-compatible registry")
                .hasMessageContaining("Fix: give the registry's base URL");
    }
}
