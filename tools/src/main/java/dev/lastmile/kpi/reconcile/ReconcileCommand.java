package dev.lastmile.kpi.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.cli.ConfigOptions;
import dev.lastmile.kpi.config.PipelineConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reconcile}: recompute the final KPIs of a history on its own and compare them with a pipeline's. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Recompute the final KPIs on their own; compare with a pipeline's.",
            "A second, simple implementation of docs/kpi-contract.md (no topology, no KPI classes) recomputes "
                + "delivery, support, experience, route-complaint and perfect-order records and compares them "
                + "with the final records in --kpis (replay's output format): integers exactly, decimals within "
                + "a relative 1e-9, null only with null."},
        footer = {"", "Exit code: 0 when every compared record matches, or when each record that differs, is missing "
            + "or is unexpected lies in a window that records of the --late file fall in (reported as \"explained by "
            + "N late records\", and whether it then equals the recomputation without some or all of them); 1 when any other record "
            + "differs, is missing or is unexpected, or the --kpis file has a record twice or a line that is not a "
            + "KPI record; 2 when a file cannot be read."})
public final class ReconcileCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The history, as replay reads it.")
    Path input;

    @Option(names = "--kpis", required = true, paramLabel = "FILE", description = "The final KPI records (JSON Lines).")
    Path kpis;

    @Option(names = "--rejected", paramLabel = "FILE",
            description = "The pipeline's rejected lines (replay's DLQ file); default: <kpis>.dlq.jsonl if present.")
    Path rejected;

    @Option(names = "--late", paramLabel = "FILE",
            description = "The records the pipeline copied as late; default: <kpis>.late.jsonl if present.")
    Path late;

    @Option(names = "--from", paramLabel = "ISO-8601", description = "Compare windows starting at or after this.")
    Instant from;

    @Option(names = "--to", paramLabel = "ISO-8601", description = "Compare windows ending at or before this.")
    Instant to;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report as JSON here.")
    Path report;

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path rejectedFile = rejected != null ? rejected : besideKpis(".dlq.jsonl");
        Path lateFile = late != null ? late : besideKpis(".late.jsonl");
        for (Path p : new Path[] {input, kpis, rejected, late}) {
            if (p != null && !Files.isReadable(p)) {
                err.println("reconcile: cannot read " + p);
                return 2;
            }
        }
        PipelineConfig pipeline = config.load();
        ExpectedKpis.Settings settings = new ExpectedKpis.Settings(pipeline.perfectOrderWindow(),
                pipeline.complaintLookback(), pipeline.routeMinDeliveries());
        HistoryEvents history = HistoryEvents.read(input, rejectedLines(rejectedFile));
        LateRecords lateRecords = LateRecords.read(lateFile, history, settings);
        FinalRecords finals = FinalRecords.read(kpis, pipeline.topics().kpis());
        ReconcileReport result = ReconcileReport.compare(ExpectedKpis.of(history, settings), finals, lateRecords,
                new LateCheck(history, settings, lateRecords),
                from == null ? Long.MIN_VALUE : from.toEpochMilli(), to == null ? Long.MAX_VALUE : to.toEpochMilli());
        out.printf("reconcile: %s: %d lines, %d events counted, %d rejected by the pipeline left out (%s), "
                        + "%d duplicates counted once, %d blank, %d unreadable left out%s; %d late records (%s)%n",
                input, history.lines, history.byLine.size(), history.rejected,
                Files.exists(rejectedFile) ? rejectedFile : "no DLQ file", history.duplicates, history.blank,
                history.unreadable.size(), history.unreadable.isEmpty() ? "" : " (lines " + history.unreadable.subList(0,
                        Math.min(20, history.unreadable.size())) + (history.unreadable.size() > 20 ? "...)" : ")"),
                lateRecords.count, Files.exists(lateFile) ? lateFile : "no late file");
        out.printf("reconcile: %s: %d final KPI records, %d records of other topics (alerts) not reconciled%n", kpis,
                finals.records.size(), finals.otherTopics);
        finals.problems.forEach(p -> out.println("reconcile: " + kpis + " " + p));
        result.print(out);
        if (report != null) {
            ObjectNode json = result.toJson();
            json.putObject("history").put("file", input.toString()).put("lines", history.lines)
                    .put("events_counted", history.byLine.size()).put("rejected_left_out", history.rejected)
                    .put("duplicates", history.duplicates).put("blank", history.blank)
                    .put("unreadable_left_out", history.unreadable.size()).put("late_records", lateRecords.count);
            json.put("kpi_file", kpis.toString()).put("kpi_file_other_topics", finals.otherTopics)
                    .putPOJO("kpi_file_problems", finals.problems);
            JSON.writerWithDefaultPrettyPrinter().writeValue(report.toFile(), json);
        }
        return result.clean() && finals.problems.isEmpty() ? 0 : 1;
    }

    /** The line numbers of the DLQ file's entries ({"line": n, ...}); none when there is no such file. */
    private static Set<Long> rejectedLines(Path dlq) throws IOException {
        Set<Long> lines = new HashSet<>();
        if (Files.exists(dlq)) {
            for (String line : Files.readAllLines(dlq)) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line).get("line").asLong());
                }
            }
        }
        return lines;
    }

    /** replay's naming, O.jsonl -> O.dlq.jsonl (O.late.jsonl), or else O.jsonl.dlq.jsonl if that is there. */
    private Path besideKpis(String suffix) {
        String name = kpis.getFileName().toString();
        String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        Path replays = kpis.resolveSibling(base + suffix);
        Path appended = kpis.resolveSibling(name + suffix);
        return Files.exists(replays) || !Files.exists(appended) ? replays : appended;
    }
}
