package dev.lastmile.kpi.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

/**
 * The names of state stores and internal topics are part of the pipeline's upgrade contract: a
 * renamed store orphans its state and its changelog. This list changes only on purpose, with a
 * migration note in the change. The other half of the contract, what those stores and topics hold,
 * is pinned by InternalFormatsTest (see "Internal formats" in the README).
 */
class TopologyNamesTest {

    @Test
    void shouldKeepEveryStoreAndRepartitionTopicName() {
        Topology topology = LastmileTopology.build(ConfigLoader.defaults().load(), new TopologyOptions(
                MockSchemaRegistry.forScope("names-test"), PipelineMetrics.inMemory(), Map.of(), false));
        String description = topology.describe().toString();

        Set<String> stores = new TreeSet<>();
        Matcher m = Pattern.compile("stores: \\[([^\\]]*)\\]").matcher(description);
        while (m.find()) {
            for (String s : m.group(1).split(",\\s*")) {
                if (!s.isBlank()) {
                    stores.add(s.trim());
                }
            }
        }
        assertThat(stores).containsExactlyInAnyOrder(
                "delivery-dedup", "ticket-dedup", "survey-dedup", "ticket-lifecycle",
                "delivery-known-keys", "ticket-known-keys", "survey-known-keys",
                "delivery-kpi-buckets", "delivery-kpi-progress", "delivery-kpi-alert-state",
                "experience-kpi-buckets", "experience-kpi-progress",
                "support-kpi-buckets", "support-kpi-progress", "support-kpi-alert-state",
                "route-complaints-buckets", "route-complaints-progress",
                "complaint-join-routes", "complaint-join-pending", "complaint-join-progress",
                "perfect-order-join-candidates", "perfect-order-join-complaints", "perfect-order-join-progress",
                "perfect-order-buckets", "perfect-order-progress",
                "late-copies-pending", "kpi-targets");

        Set<String> repartitions = new TreeSet<>();
        Matcher r = Pattern.compile("([a-z-]+-repartition)").matcher(description);
        while (r.find()) {
            repartitions.add(r.group(1));
        }
        assertThat(repartitions).containsExactlyInAnyOrder(
                "delivery-kpi-by-region-repartition", "experience-kpi-by-region-repartition",
                "support-kpi-by-region-repartition", "complaints-by-delivery-repartition",
                "route-complaints-by-region-repartition", "delivery-kpi-late-verdicts-repartition",
                "experience-kpi-late-verdicts-repartition", "support-kpi-late-verdicts-repartition",
                "route-complaints-late-verdicts-repartition", "perfect-order-by-region-repartition",
                "perfect-order-late-verdicts-repartition", "perfect-order-join-late-verdicts-repartition");
    }

    @Test
    void shouldKeepTheNumberOfEverySubTopologyAsNewOnesComeLast() {
        // Sub-topology numbers are the first half of task ids, which name the state directories:
        // a stage added in the middle would renumber every later one on upgrade.
        String description = LastmileTopology.build(ConfigLoader.defaults().load(), new TopologyOptions(
                MockSchemaRegistry.forScope("names-test"), PipelineMetrics.inMemory(), Map.of(), false))
                .describe().toString();
        Map<String, String> firstSourceOf = new java.util.LinkedHashMap<>();
        Matcher m = Pattern.compile("Sub-topology: (\\d+)[^\\n]*\\n\\s+Source: (\\S+)").matcher(description);
        while (m.find()) {
            firstSourceOf.put(m.group(1), m.group(2));
        }
        assertThat(firstSourceOf).containsExactly(Map.entry("0", "delivery-source"), Map.entry("1", "ticket-source"),
                Map.entry("2", "survey-source"), Map.entry("3", "kpi-targets-source-source"),
                Map.entry("4", "delivery-kpi-by-region-repartition-source"),
                Map.entry("5", "experience-kpi-by-region-repartition-source"),
                Map.entry("6", "support-kpi-by-region-repartition-source"),
                Map.entry("7", "route-complaints-by-region-repartition-source"),
                // perfect-order came in before the late copies, which moved from 8 to 9 (README: Upgrading).
                Map.entry("8", "perfect-order-by-region-repartition-source"),
                Map.entry("9", "delivery-kpi-late-verdicts-repartition-source"));
    }
}
