package dev.lastmile.kpi.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure throughput, latency and memory against the raw ceiling.",
            "Pre-loads simulated events into an embedded broker, then measures in one run: a plain consumer that",
            "decodes every input record (the ceiling), the whole pipeline from start to its last final, internal",
            "records per event, heap, RSS, state on disk, output records per hour, latency at a steady rate; the",
            "finals are checked against replay of the same history. Prints a table; --json writes every number."},
        footer = {"", "Exit code 1 when the pipeline's finals differ from replay's (the diff count is printed)."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "300000", description = "Simulated events in the backlog (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of every input topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--instances", defaultValue = "1", description = "Kafka Streams clients of the pipeline, in this JVM (default ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads per instance (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--guarantee", defaultValue = "eos", description = "eos (exactly_once_v2, the default) or alos (at_least_once).")
    String guarantee;

    @Option(names = "--seed", defaultValue = "1", description = "Simulator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--latency-rate", defaultValue = "5000", description = "Events/s for the latency measurement; 0 skips it (default ${DEFAULT-VALUE}).")
    double latencyRate;

    @Option(names = "--latency-seconds", defaultValue = "30", description = "How long to produce at that rate (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--timeout", defaultValue = "3600", description = "Give up on the pipeline after this many seconds (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--json", paramLabel = "FILE", description = "Write every measurement here as JSON.")
    Path json;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the broker and state live during the run, removed after (default: ~/.lastmile-kpi).")
    Path workDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (events < 1 || partitions < 1 || instances < 1 || threads < 1 || latencyRate < 0 || latencySeconds < 1
                || !(guarantee.equals("eos") || guarantee.equals("alos"))) {
            err.println("bench: --events, --partitions, --instances, --threads must be positive, --guarantee eos or alos");
            return 2;
        }
        Path dir = workDir != null ? workDir : Path.of(System.getProperty("user.home"), ".lastmile-kpi");
        Files.createDirectories(dir);
        BenchReport report = Bench.run(new Bench.Options(events, partitions, instances, threads, guarantee, seed,
                latencyRate, Duration.ofSeconds(latencySeconds), Duration.ofSeconds(timeoutSeconds), dir), err);
        if (json != null) {
            report.writeJson(json);
        }
        out.println(report.table());
        out.flush();
        if (!report.passed()) {
            err.println("bench: the pipeline's finals differ from replay's: "
                    + report.json().path("correctness").path("diff_count").asLong() + " differences"
                    + (report.json().path("correctness").path("all_finals_arrived").asBoolean() ? ""
                    : " (not every final arrived)"));
            return 1;
        }
        return 0;
    }
}
