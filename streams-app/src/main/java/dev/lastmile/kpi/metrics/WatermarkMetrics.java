package dev.lastmile.kpi.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the watermark stands and who holds it, for the pipeline-health dashboard: per input
 * partition whether its gate has caught up and the progress it reports; per windowed stage the
 * watermark, how long each source has been silent and how many sources the stall timeout excluded.
 * Labels are topic, partition and stage: fixed by the topics' partition counts, never by data.
 * A series reads NaN while no task of this instance owns it (its task moved elsewhere).
 */
public final class WatermarkMetrics {

    private final MeterRegistry registry;
    private final Map<String, InputState> inputs = new ConcurrentHashMap<>();
    private final Map<String, StageState> stages = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> silence = new ConcurrentHashMap<>();
    private final Set<String> registeredStages = ConcurrentHashMap.newKeySet();

    WatermarkMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private record InputState(boolean caughtUp, long progress) {
    }

    /** A task's view: its watermark and how many of its sources the stall timeout excluded. */
    private record StageState(long watermark, int stalled) {
    }

    /** What an input gate knows at its punctuation. */
    public void input(String source, boolean caughtUp, long progress) {
        if (inputs.put(source, new InputState(caughtUp, progress)) == null) {
            String topic = topicOf(source);
            String partition = partitionOf(source);
            Gauge.builder("lastmile_input_caught_up", inputs, m -> flag(m.get(source)))
                    .description("1 when the input partition's gate has read it to the end and vouches for the wall clock, else 0")
                    .tag("topic", topic).tag("partition", partition).register(registry);
            Gauge.builder("lastmile_input_progress_timestamp_seconds", inputs, m -> seconds(m.get(source)))
                    .description("Event-time progress the input partition's gate reports downstream")
                    .tag("topic", topic).tag("partition", partition).register(registry);
        }
    }

    public void forgetInput(String source) {
        inputs.computeIfPresent(source, (k, v) -> new InputState(false, Long.MIN_VALUE));
    }

    /**
     * What one task of a windowed stage knows at its punctuation.
     * @param silenceMsBySource wall-clock milliseconds since each source's last marker
     */
    public void stage(String stage, int task, long watermark, Map<String, Long> silenceMsBySource, int stalled) {
        stages.put(stage + "#" + task, new StageState(watermark, stalled));
        if (registeredStages.add(stage)) {
            Gauge.builder("lastmile_watermark_timestamp_seconds", stages, m -> minWatermark(m, stage))
                    .description("Watermark of the windowed stage (lowest over its tasks in this instance)")
                    .tag("stage", stage).register(registry);
            Gauge.builder("lastmile_watermark_stalled_sources", stages, m -> stalled(m, stage))
                    .description("Sources excluded from the stage's watermark after watermark.stall.timeout of silence")
                    .tag("stage", stage).register(registry);
        }
        silenceMsBySource.forEach((source, ms) -> {
            String sourceKey = stage + "|" + source;
            Map<String, Long> byTask = silence.computeIfAbsent(sourceKey, k -> {
                Map<String, Long> m = new ConcurrentHashMap<>();
                Gauge.builder("lastmile_watermark_source_silence_seconds", m, WatermarkMetrics::maxSeconds)
                        .description("Wall-clock time since the source last reported progress to the stage (the longest over its tasks here)")
                        .tag("stage", stage).tag("topic", topicOf(source)).tag("partition", partitionOf(source))
                        .register(registry);
                return m;
            });
            byTask.put(stage + "#" + task, ms);
        });
    }

    /** The task was closed (revoked, migrated, shut down): its series no longer speak for it. */
    public void forgetStage(String stage, int task) {
        String key = stage + "#" + task;
        stages.remove(key);
        silence.forEach((sourceKey, byTask) -> {
            if (sourceKey.startsWith(stage + "|")) {
                byTask.remove(key);
            }
        });
    }

    private static double flag(InputState s) {
        return s == null || s.progress == Long.MIN_VALUE ? Double.NaN : s.caughtUp ? 1 : 0;
    }

    private static double seconds(InputState s) {
        return s == null ? Double.NaN : seconds(s.progress);
    }

    private static double seconds(long ms) {
        return ms == Long.MIN_VALUE || ms == Long.MAX_VALUE ? Double.NaN : ms / 1000.0;
    }

    private static double minWatermark(Map<String, StageState> m, String stage) {
        return seconds(m.entrySet().stream().filter(e -> e.getKey().startsWith(stage + "#"))
                .mapToLong(e -> e.getValue().watermark).min().orElse(Long.MIN_VALUE));
    }

    private static double stalled(Map<String, StageState> m, String stage) {
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(stage + "#"))
                .mapToInt(e -> e.getValue().stalled).sum();
    }

    private static double maxSeconds(Map<String, Long> byTask) {
        return byTask.values().stream().mapToLong(Long::longValue).max().stream().mapToDouble(ms -> ms / 1000.0)
                .findFirst().orElse(Double.NaN);
    }

    private static String topicOf(String source) {
        return source.substring(0, source.lastIndexOf(':'));
    }

    private static String partitionOf(String source) {
        return source.substring(source.lastIndexOf(':') + 1);
    }
}
