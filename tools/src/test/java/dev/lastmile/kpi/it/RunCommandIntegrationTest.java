package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.cli.Console;
import dev.lastmile.kpi.cli.Main;
import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.runtime.TopicSetup;
import dev.lastmile.kpi.embedded.EmbeddedSchemaRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `run`'s start-up checks against a real broker. */
@Tag("integration")
@Timeout(120)
class RunCommandIntegrationTest {

    @Test
    void shouldStopStartUpNamingTheInputTopicsThatDoNotExist() throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of())) {
            String err = Console.run(Main::execute, "run", "--set", "http.port=0", // never a fixed port in tests
                        "--set", "bootstrap.servers=" + env.config.bootstrapServers(),
                        "--set", "schema.registry.url=mock://" + env.scope,
                        "--set", "topic.delivery-events=" + env.config.topics().deliveryEvents(),
                        "--set", "topic.ticket-events=" + env.config.topics().ticketEvents(),
                        "--set", "topic.survey-responses=" + env.config.topics().surveyResponses()).exitsWith(2).err();
            assertThat(err.strip())
                    .startsWith("lastmile-kpi: Input topics [" + env.config.topics().deliveryEvents() + ", "
                            + env.config.topics().surveyResponses() + ", " + env.config.topics().ticketEvents() + "]")
                    .contains("do not exist");
        }
    }

    @Test
    void shouldBeReadyWhileRunningAndShutDownCleanlyOnSigterm(@TempDir Path tmp) throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(env.registry)) {
            env.createTopics(1);
            Path log = tmp.resolve("run.log");
            Process run = env.startRunProcess(registry.url(), tmp.resolve("state"), Map.of(), log);
            try {
                int port = awaitPort(log, run);
                HttpClient http = HttpClient.newHttpClient();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                int status = 0;
                while (System.nanoTime() < deadline && status != 200) {
                    status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                            .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
                    Thread.sleep(200);
                }
                assertThat(status).as("readiness while running").isEqualTo(200);
            } finally {
                run.destroy(); // SIGTERM
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
            }
            String output = Files.readString(log);
            assertThat(output).contains("Shutdown requested", "PENDING_SHUTDOWN -> NOT_RUNNING")
                    .doesNotContain("ERROR");
        }
    }

    /** The HTTP port `run` logs at start-up ("metrics and health on port N"). */
    static int awaitPort(Path log, Process run) throws Exception {
        Pattern port = Pattern.compile("metrics and health on port (\\d+)");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && run.isAlive()) {
            Matcher m = port.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run did not start its HTTP endpoint:\n" + Files.readString(log));
    }

    @Test
    void shouldCreateMissingOutputTopicsOnlyWhenAllowed() throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of())) {
            try {
                TopicSetup.ensureOutputs(env.config, false);
                throw new AssertionError("missing output topics were accepted");
            } catch (ConfigException e) {
                assertThat(e.getMessage()).contains(env.config.topics().kpi(KpiFamilies.DELIVERY), "create.output.topics=true");
            }
            List<String> created = TopicSetup.ensureOutputs(env.config, true);
            List<String> wanted = new java.util.ArrayList<>(env.config.topics().outputs());
            wanted.add(env.config.topics().kpiTargets());
            assertThat(created).containsExactlyInAnyOrderElementsOf(wanted);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", env.config.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .containsAll(env.config.topics().outputs());
            }
            assertThat(TopicSetup.ensureOutputs(env.config, false)).isEmpty();
        }
    }
}
