package dev.lastmile.kpi.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.config.Setting;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.family.KpiFamily;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The declarations in {@link KpiFamilies} are what the topology builds: one window stage and sink per family. */
class KpiFamiliesTopologyTest {

    @Test
    void shouldDeclareEachFamilyWithItsOwnNameAndTopicSetting() {
        assertThat(KpiFamilies.ALL.stream().map(KpiFamily::name)).doesNotHaveDuplicates();
        assertThat(KpiFamilies.ALL.stream().map(KpiFamily::topicSetting)).doesNotHaveDuplicates()
                .allMatch(key -> key.startsWith("topic.kpi."))
                .doesNotContainAnyElementsOf(Arrays.stream(Setting.values()).map(Setting::key).toList());
        assertThat(KpiFamilies.ALL.stream().map(KpiFamily::defaultTopic)).doesNotHaveDuplicates();
    }

    @Test
    void shouldBuildAWindowStageASinkToItsTopicAndTheDeclaredAlertsForEveryFamily() {
        PipelineConfig config = ConfigLoader.defaults().overrides(Map.of("topic.kpi.experience", "renamed.experience"))
                .load();
        String description = LastmileTopology.build(config, new TopologyOptions(
                MockSchemaRegistry.forScope("families-test"), PipelineMetrics.inMemory(), Map.of(), false))
                .describe().toString();
        for (KpiFamily<?> f : KpiFamilies.ALL) {
            assertThat(description).contains("Processor: " + f.name() + "-windows ",
                    "Sink: " + f.name() + "-sink (topic: " + config.topics().kpi(f) + ")");
            if (f.alerts().isPresent()) {
                assertThat(description).contains("Processor: " + f.name() + "-alerts ");
            } else {
                assertThat(description).doesNotContain(f.name() + "-alerts");
            }
        }
        assertThat(description).contains("(topic: renamed.experience)");
    }
}
