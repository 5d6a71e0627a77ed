package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.cli.Console;
import dev.lastmile.kpi.cli.Main;
import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.runtime.TopicSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** `run` creates output topics that keep their records, and refuses existing ones that would not. */
@Tag("integration")
@Timeout(120)
class OutputTopicConfigIntegrationTest {

    @Test
    void shouldCreateOutputsThatKeepTheirRecordsAndStopOnAnOutputWithBrokerDefaults() throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of());
             Admin admin = SharedBroker.get().admin()) {
            String kpi = env.config.topics().kpi(KpiFamilies.DELIVERY);
            List<String> inputs = env.config.topics().inputs();
            Map<String, Integer> existing = new java.util.HashMap<>(Map.of(kpi, 1)); // as `run` created it before
            inputs.forEach(t -> existing.put(t, 1));
            SharedBroker.get().createTopics(existing);

            assertThatThrownBy(() -> TopicSetup.ensureOutputs(env.config, true)).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("Topic " + kpi + " has cleanup.policy=delete with retention.ms=604800000")
                    .hasMessageContaining("--add-config cleanup.policy=compact");
            // The missing ones were created as the policy says.
            assertThat(config(admin, env.config.topics().dlq())).containsEntry("cleanup.policy", "delete")
                    .containsEntry("message.timestamp.type", "LogAppendTime").containsEntry("retention.ms", "2592000000");
            assertThat(config(admin, env.config.topics().kpi(KpiFamilies.SUPPORT))).containsEntry("cleanup.policy", "compact");

            // `run` says it in one line and exits 2, before starting anything.
            assertThat(run(env)).hasLineCount(1).startsWith("lastmile-kpi: Topic " + kpi + " has cleanup.policy=delete");

            // Accepted by the operator: start-up goes on.
            assertThat(TopicSetup.ensureOutputs(env.configWith(Map.of("output.topics.allow-deletion", kpi)), false))
                    .isEmpty();
            // Fixed as the message says: start-up goes on without acceptance.
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, kpi);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            assertThat(TopicSetup.ensureOutputs(env.config, false)).isEmpty();
        }
    }

    private static Map<String, String> config(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        Map<String, String> values = new java.util.HashMap<>();
        config.entries().forEach(e -> values.put(e.name(), e.value()));
        return values;
    }

    /** `run` on this environment's topics; returns what it printed on stderr. */
    private static String run(ItEnvironment env) {
        List<String> args = new ArrayList<>(List.of("run"));
        env.settings.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        return Console.run(Main::execute, args.toArray(String[]::new)).exitsWith(2).err().strip();
    }
}
