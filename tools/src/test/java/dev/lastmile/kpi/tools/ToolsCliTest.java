package dev.lastmile.kpi.tools;

import static dev.lastmile.kpi.cli.Console.capture;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ToolsCliTest {

    @Test
    void shouldListTheProductCommandsAndTheToolsWithOneLineEach() {
        String out = capture(() -> ToolsMain.execute("--help"), true);
        String commands = out.substring(out.indexOf("Commands:") + "Commands:".length()).strip();
        assertThat(commands.lines()).hasSize(5)
                .allMatch(l -> l.matches("\\s*(demo|replay|run|simulate|topology)\\s+\\S.*"));
    }

    @Test
    void shouldListTheToolsCommandsTooWhenRunWithoutACommand() {
        String out = capture(() -> ToolsMain.execute(), true);
        assertThat(out).contains("demo", "replay", "simulate", "run", "topology");
    }

    @Test
    void shouldRefuseAReplayOutputThatIsTheInputWithOneLineNamingTheOptionAndTheFix() throws Exception {
        Path input = Files.createTempFile("lastmile-cli-", ".jsonl");
        try {
            Files.writeString(input, "{}\n");
            String err = capture(() -> assertThat(ToolsMain.execute("replay", "--input", input.toString(), "--output",
                    input.toString())).isEqualTo(2), false);
            assertThat(err.strip()).startsWith("replay: --output " + input + " is the --input file")
                    .contains("Fix: give --output").hasLineCount(1);
            assertThat(Files.readString(input)).isEqualTo("{}\n");
        } finally {
            Files.delete(input);
        }
    }
}
