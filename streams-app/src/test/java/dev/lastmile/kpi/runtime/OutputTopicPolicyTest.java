package dev.lastmile.kpi.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lastmile.kpi.config.ConfigException;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.family.KpiFamilies;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which output topic configs keep what the topic's consumers need, and what start-up says when not. */
class OutputTopicPolicyTest {

    private static final PipelineConfig CONFIG = ConfigLoader.defaults()
            .overrides(Map.of("bootstrap.servers", "kafka:9092")).load();
    private static final String KPI = CONFIG.topics().kpi(KpiFamilies.DELIVERY);
    private static final String DLQ = CONFIG.topics().dlq();
    /** What a topic created with broker defaults reports. */
    private static final Map<String, String> BROKER_DEFAULTS = Map.of("cleanup.policy", "delete",
            "retention.ms", "604800000", "retention.bytes", "-1", "message.timestamp.type", "CreateTime");

    @Test
    void shouldCreateKpiTopicsCompactedAndLogsWithAppendTimeAndTheConfiguredRetention() {
        assertThat(OutputTopicPolicy.configs(KPI, CONFIG)).containsExactly(Map.entry("cleanup.policy", "compact"));
        assertThat(OutputTopicPolicy.configs(CONFIG.topics().kpiTargets(), CONFIG))
                .containsEntry("cleanup.policy", "compact");
        for (String log : new String[] {DLQ, CONFIG.topics().lateEvents(), CONFIG.topics().kpiAlerts()}) {
            assertThat(OutputTopicPolicy.configs(log, CONFIG)).as(log).containsOnly(
                    Map.entry("cleanup.policy", "delete"), Map.entry("message.timestamp.type", "LogAppendTime"),
                    Map.entry("retention.ms", Long.toString(30L * 24 * 3600 * 1000)));
        }
        PipelineConfig week = ConfigLoader.defaults().overrides(Map.of("output.retention", "7d")).load();
        assertThat(OutputTopicPolicy.configs(DLQ, week)).containsEntry("retention.ms", "604800000");
    }

    @Test
    void shouldAcceptTheConfigsItCreates() {
        for (String topic : CONFIG.topics().outputs()) {
            assertThat(OutputTopicPolicy.problem(topic, OutputTopicPolicy.configs(topic, CONFIG), CONFIG))
                    .as(topic).isEmpty();
        }
        // Time retention that never deletes keeps everything too.
        assertThat(OutputTopicPolicy.problem(KPI, Map.of("cleanup.policy", "delete", "retention.ms", "-1",
                "retention.bytes", "-1"), CONFIG)).isEmpty();
    }

    @Test
    void shouldNameTopicConfigAndFixWhenBrokerDefaultsWouldDeleteFinals() {
        assertThat(OutputTopicPolicy.problem(KPI, BROKER_DEFAULTS, CONFIG)).hasValueSatisfying(p -> assertThat(p)
                .startsWith("Topic lastmile.kpi.delivery has cleanup.policy=delete with retention.ms=604800000")
                .contains("Fix: kafka-configs.sh --bootstrap-server kafka:9092 --alter --entity-type topics"
                        + " --entity-name lastmile.kpi.delivery --add-config cleanup.policy=compact")
                .contains("output.topics.allow-deletion=lastmile.kpi.delivery")
                .doesNotContain("\n"));
        assertThat(OutputTopicPolicy.problem(KPI, Map.of("cleanup.policy", "compact,delete",
                "retention.ms", "604800000", "retention.bytes", "-1"), CONFIG)).isPresent();
    }

    @Test
    void shouldRefuseCreateTimeRetentionAndCompactionOnAppendOnlyTopics() {
        assertThat(OutputTopicPolicy.problem(DLQ, BROKER_DEFAULTS, CONFIG)).hasValueSatisfying(p -> assertThat(p)
                .contains("Topic lastmile.dlq has retention.ms=604800000 with message.timestamp.type=CreateTime")
                .contains("--add-config message.timestamp.type=LogAppendTime"));
        assertThat(OutputTopicPolicy.problem(DLQ, Map.of("cleanup.policy", "compact"), CONFIG))
                .hasValueSatisfying(p -> assertThat(p).contains("cleanup.policy=compact")
                        .contains("--add-config cleanup.policy=delete,message.timestamp.type=LogAppendTime,"));
    }

    @Test
    void shouldOnlyAcceptDeletionForTopicsTheCheckKnows() {
        assertThat(ConfigLoader.defaults().overrides(Map.of("output.topics.allow-deletion",
                "lastmile.dlq, lastmile.kpi-targets")).load().outputTopics().allowDeletion())
                .containsExactlyInAnyOrder("lastmile.dlq", "lastmile.kpi-targets");
        assertThatThrownBy(() -> ConfigLoader.defaults().overrides(Map.of("output.topics.allow-deletion",
                "lastmile.kpi.deliveries")).load()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("output.topics.allow-deletion='lastmile.kpi.deliveries'")
                .hasMessageContaining("not one of them: [lastmile.kpi.deliveries]");
    }
}
