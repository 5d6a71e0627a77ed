package dev.lastmile.kpi.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.cli.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ToolsCliTest {

    @Test
    void shouldListTheProductCommandsAndTheToolsWithOneLineEach() {
        String out = Console.run(ToolsMain::execute, "--help").out();
        String commands = out.substring(out.indexOf("Commands:") + "Commands:".length()).strip();
        assertThat(commands.lines()).hasSize(8)
                .allMatch(l -> l.matches("\\s*(bench|consume|demo|reconcile|replay|run|simulate|topology)\\s+\\S.*"));
    }

    @Test
    void shouldListTheToolsCommandsTooWhenRunWithoutACommand() {
        String out = Console.run(ToolsMain::execute).out();
        assertThat(out).contains("bench", "demo", "replay", "reconcile", "simulate", "run", "topology", "consume");
    }

    @Test
    void shouldRefuseAReplayOutputThatIsTheInputWithOneLineNamingTheOptionAndTheFix() throws Exception {
        Path input = Files.createTempFile("lastmile-cli-", ".jsonl");
        try {
            Files.writeString(input, "{}\n");
            String err = Console.run(ToolsMain::execute, "replay", "--input", input.toString(), "--output",
                    input.toString()).exitsWith(2).err();
            assertThat(err.strip()).startsWith("replay: --output " + input + " is the --input file")
                    .contains("Fix: give --output").hasLineCount(1);
            assertThat(Files.readString(input)).isEqualTo("{}\n");
        } finally {
            Files.delete(input);
        }
    }
}
