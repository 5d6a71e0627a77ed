package dev.lastmile.kpi.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;

/** What a bench run measured, as JSON ({@code --json}) and as the table it prints. */
public final class BenchReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root = JSON.createObjectNode();
    private final long events;
    private Throughput ceiling;
    private Throughput pipeline;
    private boolean passed;

    BenchReport(Bench.Options o) {
        this.events = o.events();
        root.putObject("machine").put("cores", Runtime.getRuntime().availableProcessors())
                .put("max_heap_bytes", Runtime.getRuntime().maxMemory())
                .put("java", System.getProperty("java.version"))
                .put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        root.putObject("settings").put("events", o.events()).put("partitions", o.partitions())
                .put("instances", o.instances()).put("threads", o.threads()).put("guarantee", o.guarantee())
                .put("seed", o.seed());
    }

    void backlog(Backlog b) {
        root.putObject("backlog").put("events", b.events()).put("event_time_start", b.start().toString())
                .put("event_time_end", b.end().toString()).put("span_hours", b.spanHours())
                .put("load_seconds", b.seconds());
    }

    void replay(ReplayCheck r) {
        root.putObject("replay").put("lines", r.lines()).put("seconds", r.seconds())
                .put("lines_per_second", r.linesPerSecond());
    }

    void ceiling(Throughput cold, Throughput warm) {
        this.ceiling = warm.perSecond() >= cold.perSecond() ? warm : cold;
        ObjectNode c = root.putObject("ceiling");
        put(c, ceiling);
        put(c.putObject("cold"), cold);
        put(c.putObject("warm"), warm);
    }

    void pipeline(PipelineRun.Result r) {
        this.pipeline = r.throughput();
        ObjectNode p = root.putObject("pipeline");
        put(p, r.throughput());
        p.put("done", r.done()).put("running_after_seconds", r.runningAfterSeconds())
                .put("ratio_to_ceiling", r.throughput().perSecond() / ceiling.perSecond())
                .put("cpu_ratio_to_ceiling", r.throughput().perCpuSecond() / ceiling.perCpuSecond());
        root.putObject("memory").put("heap_peak_bytes", r.peakHeapBytes()).put("heap_before_bytes", r.heapBeforeBytes())
                .put("rss_peak_bytes", r.peakRssBytes()).put("rss_peak_since_pipeline_start", r.rssPeakReset());
    }

    void internal(Map<String, Long> repartitionSent, long repartitionEndOffsets, Map<String, Long> changelogSent) {
        long sent = repartitionSent.values().stream().mapToLong(Long::longValue).sum();
        long changelog = changelogSent.values().stream().mapToLong(Long::longValue).sum();
        ObjectNode i = root.putObject("internal");
        i.put("repartition_records", sent).put("repartition_records_per_event", sent / (double) events)
                .put("repartition_end_offsets", repartitionEndOffsets)
                .put("repartition_end_offsets_per_event", repartitionEndOffsets / (double) events)
                .put("changelog_records", changelog).put("changelog_records_per_event", changelog / (double) events);
        ObjectNode per = i.putObject("repartition_records_by_topic");
        repartitionSent.forEach(per::put);
    }

    void outputs(Map<String, Long> records, OutputWatch watch) {
        double hours = root.path("backlog").path("span_hours").asDouble(1);
        ObjectNode o = root.putObject("outputs");
        records.keySet().stream().sorted().forEach(t -> o.putObject(t).put("records", records.get(t))
                .put("finals", watch.finalCount(t)).put("records_per_event_hour", records.get(t) / hours)
                .put("finals_per_event_hour", watch.finalCount(t) / hours));
    }

    void correctness(boolean done, Map<String, Long> differences, Map<String, Long> expected) {
        long diff = differences.values().stream().mapToLong(Long::longValue).sum();
        passed = done && diff == 0;
        ObjectNode c = root.putObject("correctness").put("passed", passed).put("all_finals_arrived", done)
                .put("diff_count", diff);
        ObjectNode by = c.putObject("by_topic");
        differences.forEach((t, d) -> by.putObject(t).put("replay_finals", expected.getOrDefault(t, 0L))
                .put("differences", d));
    }

    void latency(LatencyProbe.Latency l) {
        root.putObject("latency").put("rate", l.rate()).put("seconds", l.seconds()).put("events", l.events())
                .put("p50_ms", l.p50Ms()).put("p99_ms", l.p99Ms()).put("max_ms", l.maxMs())
                .put("unmatched", l.unmatched());
    }

    /** Output records per hour of wall-clock (= event) time while events came at the latency rate. */
    void liveOutputs(Map<String, Long> before, Map<String, Long> after, double hours) {
        ObjectNode o = ((ObjectNode) root.get("latency")).putObject("output_records_per_hour");
        after.keySet().stream().sorted().forEach(t -> o.put(t, (after.get(t) - before.getOrDefault(t, 0L)) / hours));
    }

    void state(long bytes) {
        ((ObjectNode) root.get("memory")).put("state_dir_bytes", bytes).put("state_bytes_per_million_events", bytes * 1e6 / events);
    }

    private static void put(ObjectNode n, Throughput t) {
        n.put("events", t.events()).put("seconds", t.seconds()).put("cpu_seconds", t.cpuSeconds())
                .put("events_per_second", t.perSecond()).put("events_per_cpu_second", t.perCpuSecond());
    }

    public boolean passed() {
        return passed;
    }

    public ObjectNode json() {
        return root;
    }

    public void writeJson(Path file) throws IOException {
        JSON.writeValue(file.toFile(), root);
    }

    /** The measurements as a Markdown table, ratios against the ceiling of the same run. */
    public String table() {
        StringBuilder b = new StringBuilder();
        ObjectNode s = (ObjectNode) root.get("settings");
        b.append(String.format("%,d events, %d partitions, %d instance(s) x %d thread(s), %s, %d cores%n%n",
                events, s.get("partitions").asInt(), s.get("instances").asInt(), s.get("threads").asInt(),
                s.get("guarantee").asText(), root.path("machine").path("cores").asInt()));
        b.append("| what | events/s | of ceiling | events per CPU-second |\n|---|---:|---:|---:|\n");
        row(b, "raw ceiling: plain consumer + Avro decode (best of cold/warm)", ceiling, ceiling);
        row(b, "whole pipeline, start to last final", pipeline, ceiling);
        b.append(String.format("| replay (TopologyTestDriver) | %,.0f lines/s | | |%n",
                root.path("replay").path("lines_per_second").asDouble()));
        b.append('\n').append("| measure | value |\n|---|---:|\n");
        ObjectNode i = (ObjectNode) root.path("internal");
        ObjectNode m = (ObjectNode) root.path("memory");
        kv(b, "repartition records per input event", String.format("%.2f", i.path("repartition_records_per_event").asDouble()));
        kv(b, "changelog records per input event", String.format("%.2f", i.path("changelog_records_per_event").asDouble()));
        kv(b, "peak heap (whole JVM, broker included)", mb(m.path("heap_peak_bytes").asLong()));
        kv(b, "peak RSS (whole JVM, broker included)", mb(m.path("rss_peak_bytes").asLong()));
        kv(b, "state on disk per million events", mb(m.path("state_bytes_per_million_events").asLong()));
        root.path("outputs").fields().forEachRemaining(e -> kv(b, e.getKey() + " records (finals) per event-hour",
                String.format("%.1f (%.1f)", e.getValue().path("records_per_event_hour").asDouble(),
                        e.getValue().path("finals_per_event_hour").asDouble())));
        if (root.has("latency")) {
            var l = root.get("latency");
            kv(b, String.format("latency at %.0f events/s: p50 / p99 / max", l.get("rate").asDouble()),
                    String.format("%.0f / %.0f / %.0f ms (%d unmatched)", l.get("p50_ms").asDouble(),
                            l.get("p99_ms").asDouble(), l.get("max_ms").asDouble(), l.get("unmatched").asLong()));
            l.path("output_records_per_hour").fields().forEachRemaining(e -> kv(b, String.format(
                    "%s records per hour at %.0f events/s", e.getKey(), l.get("rate").asDouble()),
                    String.format("%,.0f", e.getValue().asDouble())));
        }
        kv(b, "finals equal to replay's", passed ? "yes" : "NO: " + root.path("correctness").path("diff_count").asLong()
                + " differences");
        return b.toString();
    }

    private static void row(StringBuilder b, String what, Throughput t, Throughput ceiling) {
        if (t == null) {
            return;
        }
        b.append(String.format("| %s | %,.0f | %.2f | %,.0f |%n", what, t.perSecond(), t.perSecond() / ceiling.perSecond(),
                t.perCpuSecond()));
    }

    private static void kv(StringBuilder b, String k, String v) {
        b.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%,.0f MB", bytes / 1e6);
    }
}
