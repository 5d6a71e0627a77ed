package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.cli.Main;
import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.runtime.TopicSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** `run`'s start-up checks against a real broker. */
@Tag("integration")
@Timeout(120)
class RunCommandIntegrationTest {

    @Test
    void shouldStopStartUpNamingTheInputTopicsThatDoNotExist() throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of())) {
            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = Main.execute("run", "--set", "bootstrap.servers=" + env.config.bootstrapServers(),
                        "--set", "schema.registry.url=mock://" + env.scope,
                        "--set", "topic.delivery-events=" + env.config.topics().deliveryEvents(),
                        "--set", "topic.ticket-events=" + env.config.topics().ticketEvents(),
                        "--set", "topic.survey-responses=" + env.config.topics().surveyResponses());
            } finally {
                System.setErr(original);
            }
            assertThat(code).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8).strip())
                    .startsWith("lastmile-kpi: Input topics [" + env.config.topics().deliveryEvents() + ", "
                            + env.config.topics().surveyResponses() + ", " + env.config.topics().ticketEvents() + "]")
                    .contains("do not exist");
        }
    }

    @Test
    void shouldCreateMissingOutputTopicsOnlyWhenAllowed() throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of())) {
            try {
                TopicSetup.ensureOutputs(env.config, false);
                throw new AssertionError("missing output topics were accepted");
            } catch (ConfigException e) {
                assertThat(e.getMessage()).contains(env.config.topics().kpiDelivery(), "create.output.topics=true");
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
