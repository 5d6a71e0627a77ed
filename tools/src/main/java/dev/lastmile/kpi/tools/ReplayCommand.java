package dev.lastmile.kpi.tools;

import dev.lastmile.kpi.cli.ConfigOptions;
import dev.lastmile.kpi.replay.ReplayRunner;
import dev.lastmile.kpi.replay.ReplaySummary;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Run the pipeline over a JSON Lines history; write final KPIs.",
            "Reads events as JSON Lines and writes the final KPI records as JSON Lines."},
        footer = {"", "Rejected lines go to <output>.dlq.jsonl, records after their window closed to <output>.late.jsonl."})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Events, one JSON object a line.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where the final KPI records go.")
    Path output;

    @Option(names = "--wall-clock", paramLabel = "ISO-8601",
            description = "The pipeline's wall clock for the future-event rule; default: now. Fix it for reproducible runs.")
    Instant wallClock;

    @Option(names = "--state-report", description = "Print the entries of every state store before the final flush.")
    boolean stateReport;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isReadable(input)) {
            err.println("replay: cannot read --input " + input);
            return 2;
        }
        Optional<String> conflict = ReplayRunner.outputConflict(input, output);
        if (conflict.isPresent()) {
            err.println(conflict.get());
            return 2;
        }
        ReplayRunner runner = new ReplayRunner(config.load(), wallClock == null ? Instant.now() : wallClock, err);
        ReplaySummary summary = (stateReport ? runner.withStateReport() : runner).run(input, output);
        err.println("replay: KPIs in " + output);
        return summary.lines() > 0 ? 0 : 1;
    }
}
