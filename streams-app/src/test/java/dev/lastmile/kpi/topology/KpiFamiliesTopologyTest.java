package dev.lastmile.kpi.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.config.Setting;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.family.KpiFamily;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
    void shouldDeclareGaugesWithDistinctPrefixedNamesThatTheReadmeDocuments() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> names = KpiFamilies.ALL.stream().flatMap(f -> f.gauges().stream())
                .flatMap(set -> set.gauges().stream()).map(g -> g.name()).toList();
        assertThat(names).isNotEmpty().doesNotHaveDuplicates().allMatch(n -> n.startsWith("lastmile_"))
                .allSatisfy(n -> assertThat(readme).as("README metrics table").contains(n));
        // The kpi label of a family's sets (e.g. on the last-update time): one per family, distinct.
        assertThat(KpiFamilies.ALL.stream().map(f -> f.gauges().stream().map(set -> set.label()).distinct().toList()))
                .allSatisfy(labels -> assertThat(labels).hasSizeLessThanOrEqualTo(1))
                .doesNotHaveDuplicates();
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
