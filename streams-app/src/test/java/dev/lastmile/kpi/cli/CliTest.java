package dev.lastmile.kpi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.config.Setting;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.family.KpiFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliTest {

    @Test
    void shouldListEveryCommandWithOneLine() {
        String out = Console.run(Main::execute, "--help").out();
        String commands = out.substring(out.indexOf("Commands:") + "Commands:".length()).strip();
        // The product jar: demo, replay and simulate are the tools jar's (ToolsCliTest).
        assertThat(commands.lines()).hasSize(3).allMatch(l -> l.matches("\\s*(run|topology|consume)\\s+\\S.*"));
    }

    @Test
    void shouldStopRunWithOneLineNamingTheMissingSetting() {
        String err = Console.run(Main::execute, "run", "--set", "http.port=0").exitsWith(2).err();
        assertThat(err.strip()).startsWith("lastmile-kpi: Setting bootstrap.servers is not set")
                .doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void shouldStopRunWithOneLineNamingTheRegistrySettingBeforeTouchingTheCluster() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        // No broker listens at the bootstrap address either: the registry is checked first.
        String err = Console.run(Main::execute, "run", "--set", "http.port=0", "--set", "bootstrap.servers=127.0.0.1:" + closedPort,
                "--set", "schema.registry.url=http://127.0.0.1:" + closedPort).exitsWith(2).err();
        assertThat(err.strip()).startsWith("lastmile-kpi: Schema registry schema.registry.url=http://127.0.0.1:"
                + closedPort + " is unreachable").contains("Fix:").hasLineCount(1);
    }

    @Test
    void shouldRefuseConsumeWithOneLineNamingTheSettingOrTheAliasesBeforeConnecting() {
        String noBroker = Console.run(Main::execute, "consume", "delivery-kpi").exitsWith(2).err();
        assertThat(noBroker.strip()).startsWith("lastmile-kpi: Setting bootstrap.servers is not set").hasLineCount(1);
        // Nothing listens on port 1: each refusal comes before any connection.
        String[] cluster = {"--set", "bootstrap.servers=127.0.0.1:1", "--set", "schema.registry.url=http://127.0.0.1:1"};
        assertThat(consumeError("lastmile.kpi.nope", cluster)).startsWith("lastmile-kpi: 'lastmile.kpi.nope' is not a topic "
                + "of this pipeline. Give one of delivery-kpi, support-kpi, experience-kpi, route-complaints, perfect-order, "
                + "alerts, dlq, late-events");
        assertThat(consumeError("alerts", cluster, "--format", "csv")).isEqualTo(
                "lastmile-kpi: --format must be json or table, not 'csv'");
        assertThat(consumeError("alerts", cluster, "--window", "daily")).isEqualTo(
                "lastmile-kpi: --window must be hourly or rolling_24h, not 'daily'");
    }

    private static String consumeError(String topic, String[] cluster, String... more) {
        List<String> args = new ArrayList<>(List.of("consume", topic));
        args.addAll(List.of(cluster));
        args.addAll(List.of(more));
        String err = Console.run(Main::execute, args.toArray(String[]::new)).exitsWith(2).err().strip();
        assertThat(err).hasLineCount(1).doesNotContain("Exception");
        return err;
    }

    @Test
    void shouldDescribeATopologyWithExplicitlyNamedStoresAndTopics() {
        String out = Console.run(Main::execute, "topology").out();
        assertThat(out).contains("delivery-kpi-by-region-repartition", "delivery-kpi-buckets", "delivery-dedup",
                "delivery-gate").doesNotContain("KSTREAM-");
    }

    @Test
    void shouldDocumentEverySettingInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting s : Setting.values()) {
            assertThat(readme).as("README configuration table").contains("| `" + s.key() + "` |");
        }
        for (KpiFamily<?> f : KpiFamilies.ALL) {
            assertThat(readme).as("README configuration table").contains("| `" + f.topicSetting() + "` | `"
                    + f.defaultTopic() + "` | " + f.description() + " |");
        }
    }
}
