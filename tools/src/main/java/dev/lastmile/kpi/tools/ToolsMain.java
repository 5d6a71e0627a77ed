package dev.lastmile.kpi.tools;

import dev.lastmile.kpi.cli.Main;
import picocli.CommandLine;

/**
 * The tools jar's command line: the product's commands (run, topology) plus the test bench that must not ship
 * with {@code run} — demo (embedded broker and registry), replay (TopologyTestDriver) and simulate.
 */
public final class ToolsMain {

    private ToolsMain() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code, as {@link Main#execute} does for the product. */
    public static int execute(String... args) {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand(new DemoCommand());
        cli.addSubcommand(new ReplayCommand());
        cli.addSubcommand(new SimulateCommand());
        return cli.execute(args);
    }
}
