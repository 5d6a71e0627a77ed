package dev.lastmile.kpi.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lastmile.kpi.registry.RegistryHealth;
import dev.lastmile.kpi.runtime.Pipeline;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.lastmile.kpi.config.ConfigException;
import java.io.IOException;
import java.net.BindException;
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
    private volatile boolean serving;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /** Serves on {@code bindAddress:port}; port 0 picks a free one. No registry health (an in-memory registry). */
    public static OpsServer start(String bindAddress, int port, PrometheusMeterRegistry registry, Pipeline pipeline) {
        return bind(bindAddress, port).serve(registry, pipeline, null);
    }

    /** The same, not ready while {@code registryHealth} (if not null) reports an outage. */
    public static OpsServer start(String bindAddress, int port, PrometheusMeterRegistry registry, Pipeline pipeline,
                                  RegistryHealth registryHealth) {
        return bind(bindAddress, port).serve(registry, pipeline, registryHealth);
    }

    /**
     * Takes the port without serving yet: {@code run} does this before it touches Kafka, so a port
     * in use stops start-up at once, with one line, instead of after topics and state were set up.
     */
    public static OpsServer bind(String bindAddress, int port) {
        InetSocketAddress address = new InetSocketAddress(bindAddress, port);
        if (address.isUnresolved()) {
            throw new ConfigException("Setting http.bind='" + bindAddress + "' is not an address of this machine."
                    + " Fix: give 0.0.0.0 (every interface), 127.0.0.1 or one of this host's addresses.");
        }
        try {
            return new OpsServer(HttpServer.create(address, 0));
        } catch (BindException e) {
            throw new ConfigException("Setting http.port=" + port + ": " + bindAddress + ":" + port
                    + " cannot be bound (" + e.getMessage() + "; another process holds it, or the address is not"
                    + " this host's). Fix: stop that process, or set http.port to a free port (0 picks one).");
        } catch (IOException e) {
            throw new ConfigException("Setting http.port=" + port + ": cannot listen on " + bindAddress + ":" + port
                    + " (" + e + "). Fix: set http.port and http.bind to a free port on an address of this host.");
        }
    }

    /**
     * Starts serving {@code /metrics} and the health endpoints of {@code pipeline}, not ready while
     * {@code registryHealth} (if not null) reports an outage.
     */
    public OpsServer serve(PrometheusMeterRegistry registry, Pipeline pipeline, RegistryHealth registryHealth) {
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
        serving = true;
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        HttpReplies.send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        if (!serving) {
            // The JDK's HttpServer releases its port only from its dispatcher: a server bound but
            // never started (start-up failed after the port was taken) must be started to let go.
            server.start();
        }
        server.stop(0);
    }
}
