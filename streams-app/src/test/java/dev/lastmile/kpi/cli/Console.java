package dev.lastmile.kpi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * What a command printed and its exit code, for the CLI tests of this module and of the tools module.
 * The command line prints to writers of its own, so nothing swaps the process's System.out or System.err
 * (which would steal the output of tests running at the same time).
 */
public record Console(int exitCode, String out, String err) {

    /** A command line's entry point that prints to the writers it is given (Main::execute, ToolsMain::execute). */
    @FunctionalInterface
    public interface Cli {
        int execute(PrintWriter out, PrintWriter err, String... args);
    }

    public static Console run(Cli cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = cli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Console(code, out.toString(), err.toString());
    }

    /** Asserts the exit code and returns this, to read what was printed. */
    public Console exitsWith(int expected) {
        assertThat(exitCode).as("exit code; stderr: %s", err).isEqualTo(expected);
        return this;
    }
}
