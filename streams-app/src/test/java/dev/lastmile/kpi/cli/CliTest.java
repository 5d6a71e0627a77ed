package dev.lastmile.kpi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.config.Setting;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CliTest {

    @Test
    void shouldListEveryCommandWithOneLine() {
        String out = capture(() -> Main.execute("--help"), true);
        String commands = out.substring(out.indexOf("Commands:") + "Commands:".length()).strip();
        assertThat(commands.lines()).hasSize(5)
                .allMatch(l -> l.matches("\\s*(demo|replay|run|simulate|topology)\\s+\\S.*"));
    }

    @Test
    void shouldStopRunWithOneLineNamingTheMissingSetting() {
        String err = capture(() -> assertThat(Main.execute("run")).isEqualTo(2), false);
        assertThat(err.strip()).startsWith("lastmile-kpi: Setting bootstrap.servers is not set")
                .doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void shouldStopRunWithOneLineNamingTheRegistrySettingBeforeTouchingTheCluster() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        // No broker listens at the bootstrap address either: the registry is checked before Kafka (the
        // HTTP port comes first of all, so any free one: 8080 may be taken on a shared machine).
        String err = capture(() -> assertThat(Main.execute("run", "--set", "bootstrap.servers=127.0.0.1:" + closedPort,
                "--set", "schema.registry.url=http://127.0.0.1:" + closedPort, "--set", "http.port=0")).isEqualTo(2),
                false);
        assertThat(err.strip()).startsWith("lastmile-kpi: Schema registry schema.registry.url=http://127.0.0.1:"
                + closedPort + " is unreachable").contains("Fix:").hasLineCount(1);
    }

    @Test
    void shouldDescribeATopologyWithExplicitlyNamedStoresAndTopics() {
        String out = capture(() -> Main.execute("topology"), true);
        assertThat(out).contains("delivery-kpi-by-region-repartition", "delivery-kpi-buckets", "delivery-dedup",
                "delivery-gate").doesNotContain("KSTREAM-");
    }

    @Test
    void shouldRefuseAReplayOutputThatIsTheInputWithOneLineNamingTheOptionAndTheFix() throws Exception {
        Path input = Files.createTempFile("lastmile-cli-", ".jsonl");
        try {
            Files.writeString(input, "{}\n");
            String err = capture(() -> assertThat(Main.execute("replay", "--input", input.toString(), "--output",
                    input.toString())).isEqualTo(2), false);
            assertThat(err.strip()).startsWith("replay: --output " + input + " is the --input file")
                    .contains("Fix: give --output").hasLineCount(1);
            assertThat(Files.readString(input)).isEqualTo("{}\n");
        } finally {
            Files.delete(input);
        }
    }

    @Test
    void shouldDocumentEverySettingInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting s : Setting.values()) {
            assertThat(readme).as("README configuration table").contains("| `" + s.key() + "` |");
        }
    }

    private static String capture(Runnable r, boolean stdout) {
        PrintStream original = stdout ? System.out : System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        if (stdout) {
            System.setOut(capture);
        } else {
            System.setErr(capture);
        }
        try {
            r.run();
        } finally {
            if (stdout) {
                System.setOut(original);
            } else {
                System.setErr(original);
            }
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
