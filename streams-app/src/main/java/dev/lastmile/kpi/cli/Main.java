package dev.lastmile.kpi.cli;

import dev.lastmile.kpi.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "lastmile-kpi", mixinStandardHelpOptions = true, version = "lastmile-kpi 0.1.0",
        description = "Real-time delivery, support and customer-experience KPIs on Kafka Streams.",
        subcommands = {RunCommand.class, TopologyCommand.class, ConsumeCommand.class},
        commandListHeading = "%nCommands:%n")
public final class Main implements Runnable {

    /** The command line this runs in: the product's, or the tools jar's with its commands added. */
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; configuration errors print as one line. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The same, printing to {@code out} and {@code err} instead of the process's streams (tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    /**
     * The product's commands (run, topology, consume) with its error reporting; the tools jar adds demo, replay and
     * simulate to this same command line.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException config) {
                return RunCommand.report(config, commandLine.getErr());
            }
            throw e;
        });
        return cli;
    }
}
