package dev.lastmile.kpi.tools;

import dev.lastmile.kpi.bench.BenchCommand;
import dev.lastmile.kpi.cli.Main;
import dev.lastmile.kpi.reconcile.ReconcileCommand;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The tools jar's command line: the product's commands (run, topology) plus the test bench that must not ship
 * with {@code run} — demo (embedded broker and registry), replay (TopologyTestDriver), reconcile, simulate and bench.
 */
public final class ToolsMain {

    private ToolsMain() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code, as {@link Main#execute} does for the product. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The same, printing to {@code out} and {@code err} instead of the process's streams (tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    private static CommandLine commandLine() {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand(new DemoCommand());
        cli.addSubcommand(new ReplayCommand());
        cli.addSubcommand(new ReconcileCommand());
        cli.addSubcommand(new SimulateCommand());
        cli.addSubcommand(new BenchCommand());
        return cli;
    }
}
