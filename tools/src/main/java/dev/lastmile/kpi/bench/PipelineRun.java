package dev.lastmile.kpi.bench;

import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.topology.TopologyOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole pipeline, as {@code run} runs it ({@link Pipeline}, the production topology and settings),
 * in {@code instances} Kafka Streams clients of one application in this JVM, each with its own state
 * directory: from start until every final replay wrote is in the output topics.
 */
final class PipelineRun implements AutoCloseable {

    /** How the run ended: done (every expected final arrived) or not, and what it cost. */
    record Result(boolean done, Throughput throughput, double runningAfterSeconds, long peakHeapBytes,
                  long heapBeforeBytes, long peakRssBytes, boolean rssPeakReset) {
    }

    private static final Duration STALL = Duration.ofSeconds(90);

    private final List<Pipeline> pipelines = new ArrayList<>();
    private final List<Path> stateDirs = new ArrayList<>();
    private final PipelineConfig config;
    private boolean closed;

    PipelineRun(Map<String, String> settings, int instances, SchemaRegistryClient registry,
                Map<String, Integer> partitions, Path scratch) throws IOException {
        PipelineConfig first = null;
        for (int i = 0; i < instances; i++) {
            Path state = Files.createDirectories(scratch.resolve("state-" + i));
            stateDirs.add(state);
            Map<String, String> own = new HashMap<>(settings);
            own.put("state.dir", state.toString());
            PipelineConfig c = ConfigLoader.defaults().overrides(own).load();
            first = first == null ? c : first;
            pipelines.add(new Pipeline(c, new TopologyOptions(registry, PipelineMetrics.inMemory(), partitions, false)));
        }
        this.config = first;
    }

    /**
     * Starts every instance and reads the outputs until they hold {@code expectedFinals}, or nothing has
     * come for {@link #STALL} once the inputs are consumed, or {@code timeout} passed.
     */
    Result runUntil(OutputWatch outputs, Map<String, Long> expectedFinals, long events, Duration timeout,
                    InputLag lag, Consumer<String> progress) {
        System.gc();
        long heapBefore = Resources.heapUsed();
        try (Resources resources = new Resources()) {
            boolean rssReset = Resources.resetPeakRss();
            long start = System.nanoTime();
            long cpu = Resources.processCpuNanos();
            pipelines.forEach(Pipeline::start);
            long lastOutput = start;
            long lastReport = start;
            boolean done = false;
            double runningAfter = -1;
            while (!done && System.nanoTime() - start < timeout.toNanos()) {
                if (outputs.poll(Duration.ofMillis(100)) > 0) {
                    lastOutput = System.nanoTime();
                }
                done = outputs.reached(expectedFinals);
                if (runningAfter < 0 && pipelines.stream().allMatch(Pipeline::isRunning)) {
                    runningAfter = (System.nanoTime() - start) / 1e9;
                }
                failure().ifPresent(e -> {
                    throw new IllegalStateException("the pipeline failed: " + e, e);
                });
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    long consumed = lag.consumed();
                    progress.accept(String.format("bench: pipeline %.0f s, %,d of %,d input records consumed, "
                            + "%,d output records", (lastReport - start) / 1e9, consumed, events, outputs.totalRecords()));
                    if (consumed >= events && lastReport - lastOutput > STALL.toNanos()) {
                        break; // everything read, nothing more coming: the comparison will show what is missing
                    }
                }
            }
            Throughput t = Throughput.since(events, start, cpu);
            return new Result(done, t, runningAfter, resources.peakHeapBytes(), heapBefore, Resources.peakRssBytes(),
                    rssReset);
        }
    }

    private java.util.Optional<Throwable> failure() {
        return pipelines.stream().map(Pipeline::failure).filter(java.util.Objects::nonNull).findFirst();
    }

    PipelineConfig config() {
        return config;
    }

    /** Bytes under every instance's state directory (call after close: RocksDB flushed). */
    long stateBytes() {
        return stateDirs.stream().mapToLong(Resources::directoryBytes).sum();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pipelines.forEach(Pipeline::close);
        }
    }
}
