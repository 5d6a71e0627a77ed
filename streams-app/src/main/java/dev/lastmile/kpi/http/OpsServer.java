package dev.lastmile.kpi.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lastmile.kpi.registry.RegistryHealth;
import dev.lastmile.kpi.runtime.Pipeline;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The operations endpoints on one port: {@code /metrics} (Prometheus text format),
 * {@code /health/live} (503 only once the Streams client is dead: restart me) and
 * {@code /health/ready} (200 only while the Streams client is RUNNING and the schema registry
 * answers: during a registry outage nothing moves, whatever the client's state says).
 */
public final class OpsServer implements AutoCloseable {

    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /** Serves on {@code bindAddress:port}; port 0 picks a free one. No registry health (an in-memory registry). */
    public static OpsServer start(String bindAddress, int port, PrometheusMeterRegistry registry, Pipeline pipeline)
            throws IOException {
        return start(bindAddress, port, registry, pipeline, null);
    }

    /** The same, not ready while {@code registryHealth} (if not null) reports an outage. */
    public static OpsServer start(String bindAddress, int port, PrometheusMeterRegistry registry, Pipeline pipeline,
                                  RegistryHealth registryHealth) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "lastmile-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", exchange -> send(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health/live", exchange -> {
            boolean dead = pipeline.state() == KafkaStreams.State.ERROR
                    || pipeline.state() == KafkaStreams.State.NOT_RUNNING && pipeline.failure() != null;
            send(exchange, dead ? 503 : 200, "text/plain; charset=utf-8",
                    (dead ? "dead: " : "alive: ") + pipeline.state() + "\n");
        });
        server.createContext("/health/ready", exchange -> {
            Optional<String> registryProblem = registryHealth == null ? Optional.empty() : registryHealth.problem();
            boolean ready = pipeline.isRunning() && registryProblem.isEmpty();
            send(exchange, ready ? 200 : 503, "text/plain; charset=utf-8",
                    pipeline.state() + registryProblem.map(p -> ", not ready: " + p).orElse("") + "\n");
        });
        server.start();
        return new OpsServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        HttpReplies.send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
