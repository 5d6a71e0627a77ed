package dev.lastmile.kpi.embedded;

import dev.lastmile.kpi.runtime.TopicSetup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) in this JVM, on
 * 127.0.0.1 and free ports. For the embedded default and integration tests: same wire protocol,
 * transactions and exactly-once as a production cluster, one replica.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final Path dataDir;
    private final boolean deleteOnClose;
    private final KafkaRaftServer server;
    private final int brokerPort;
    private final int controllerPort;
    private final String bootstrapServers;
    /** Server properties changed at start, kept by a restart. */
    private final Map<String, String> serverOverrides;
    /** Null for the PLAINTEXT broker without ACLs. */
    private final SaslScram security;
    private final BrokerTls tls;
    private boolean closed;

    private EmbeddedKafka(Path dataDir, boolean deleteOnClose, KafkaRaftServer server, int brokerPort,
                          int controllerPort, Map<String, String> serverOverrides, SaslScram security,
                          BrokerTls tls) {
        this.serverOverrides = Map.copyOf(serverOverrides);
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.server = server;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.bootstrapServers = "127.0.0.1:" + brokerPort;
        this.security = security;
        this.tls = tls;
    }

    /** Starts a broker with its data in a new temporary directory, deleted on close. */
    public static EmbeddedKafka start() {
        try {
            return start(Files.createTempDirectory("lastmile-kafka-"), true);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a temporary directory for the embedded broker", e);
        }
    }

    /**
     * Starts a broker in a new temporary directory with some server properties changed, e.g. a
     * short {@code log.retention.check.interval.ms} for a test that needs retention enforced now.
     */
    public static EmbeddedKafka start(Map<String, String> serverOverrides) {
        try {
            return start(Files.createTempDirectory("lastmile-kafka-"), true, serverOverrides);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create a temporary directory for the embedded broker", e);
        }
    }

    /**
     * Starts a broker with its log in {@code dataDir}; an existing, formatted directory is reused.
     * Ports are new each time, so clients must use {@link #bootstrapServers()}.
     */
    public static EmbeddedKafka start(Path dataDir, boolean deleteOnClose) {
        return start(dataDir, deleteOnClose, Map.of());
    }

    private static EmbeddedKafka start(Path dataDir, boolean deleteOnClose, Map<String, String> serverOverrides) {
        try {
            return start(dataDir, deleteOnClose, freePort(), freePort(), serverOverrides, null);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find free ports for the embedded broker: " + e, e);
        }
    }

    /**
     * Starts a broker (temporary directory) whose clients must log in with SASL/SCRAM-SHA-512 and
     * whose ACLs are enforced; {@link #admin()} and {@link #clientProperties()} log in as the super user.
     */
    public static EmbeddedKafka startSecured(SaslScram security) {
        try {
            return start(Files.createTempDirectory("lastmile-kafka-sasl-"), true, freePort(), freePort(), Map.of(), security);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot prepare the secured embedded broker: " + e, e);
        }
    }

    /**
     * Stops this broker and starts it again on the same ports and log, as a broker restart looks to
     * its clients; returns the new instance. This one is closed (its data kept).
     */
    public EmbeddedKafka restart() {
        synchronized (this) {
            closed = true;
            server.shutdown();
            server.awaitShutdown();
        }
        return start(dataDir, deleteOnClose, brokerPort, controllerPort, serverOverrides, security);
    }

    private static EmbeddedKafka start(Path dataDir, boolean deleteOnClose, int brokerPort, int controllerPort,
                                       Map<String, String> serverOverrides, SaslScram security) {
        try {
            Files.createDirectories(dataDir);
            Properties props = serverProperties(dataDir.resolve("log"), brokerPort, controllerPort);
            props.putAll(serverOverrides);
            BrokerTls tls = security != null && security.tls() ? BrokerTls.in(dataDir.resolve("tls")) : null;
            if (security != null) {
                security.apply(props, brokerPort, controllerPort, tls);
            }
            Path propsFile = dataDir.resolve("server.properties");
            try (Writer w = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
                props.store(w, "lastmile-kpi embedded broker");
            }
            if (!Files.exists(dataDir.resolve("log").resolve("meta.properties"))) {
                format(propsFile, security == null ? new String[0] : security.formatArguments());
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(dataDir, deleteOnClose, server, brokerPort, controllerPort,
                    serverOverrides, security, tls);
            kafka.awaitReady();
            return kafka;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the embedded broker in " + dataDir + ": " + e, e);
        }
    }

    private static Properties serverProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        return p;
    }

    private static void format(Path propsFile, String[] extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = Stream.concat(Stream.of("format", "-t", Uuid.randomUuid().toString(), "-c",
                propsFile.toString()), Stream.of(extra)).toArray(String[]::new);
        int rc = StorageTool.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("Formatting the embedded broker's storage failed: "
                    + out.toString(StandardCharsets.UTF_8));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the embedded broker", e);
            }
        }
        close();
        throw new IllegalStateException("Embedded broker did not become ready within 60 s", last);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Admin admin() {
        return Admin.create(clientProperties());
    }

    /** Properties any client needs to connect: the address and, on a secured broker, the super user's login. */
    public Map<String, Object> clientProperties() {
        return security == null ? Map.of("bootstrap.servers", bootstrapServers)
                : clientProperties(security.superUser(), security.superPassword());
    }

    /** The address and the security properties (SASL login, trust store) of {@code user} on a secured broker. */
    public Map<String, Object> clientProperties(String user, String password) {
        if (security == null) {
            throw new IllegalStateException("This embedded broker has no users: start it with startSecured");
        }
        Map<String, Object> p = new HashMap<>(SaslScram.clientProperties(user, password, tls));
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    /** Creates topics (name to partition count) that do not exist yet. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        List<NewTopic> topics = partitionsByTopic.entrySet().stream()
                .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1)).toList();
        try (Admin admin = admin()) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + entry.getKey() + ": " + e.getCause(), e);
                    }
                }
            }
            TopicSetup.awaitLeaders(admin, List.copyOf(partitionsByTopic.keySet()));
        } catch (ExecutionException e) {
            throw new IllegalStateException("Topics " + partitionsByTopic.keySet() + " have no ready leader: " + e, e);
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("Creating topics " + partitionsByTopic.keySet() + " failed: " + e, e);
        }
    }

    /** Stops the broker (idempotent) and deletes its data unless it was given a directory to keep. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // best effort: a temporary directory
            }
        }
    }
}
