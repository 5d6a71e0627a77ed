package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.kpi.TimeWindows.DAY_MS;
import static dev.lastmile.kpi.kpi.TimeWindows.HOUR_MS;

import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.kpi.TimeWindows;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.watermark.Envelope;
import dev.lastmile.kpi.watermark.WatermarkTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Hourly and rolling-24h windows closed by a watermark over all input partitions.
 *
 * <p>Each accepted event is added to the bucket of its group and hour. A window is HOURLY (one
 * bucket) or ROLLING_24H (the sum of 24 buckets), so an event costs one store update, not 25.
 * A window closes when the watermark reaches its end + grace: then its one {@code final=true}
 * record is emitted, and a bucket is deleted once the last rolling window containing it closed.
 * While windows are open, changed ones are emitted as {@code final=false} on each wall-clock
 * punctuation (the commit interval).
 *
 * <p>An event whose hourly window is closed is late: its verdict goes to the late collector, which
 * writes one copy per record to the late-events topic. If some rolling windows containing it are
 * still open it counts in those ({@code countedInRolling}); if all are closed it counts nowhere. An
 * event its gate flagged at risk of being late gets a verdict even when it counted, so the
 * collector knows when every family it was sent to has judged it.
 */
final class WindowedKpiProcessor<E, A, OUT extends SpecificRecord> implements Processor<String, Envelope, String, WindowOutput<OUT>> {

    static final String WATERMARK_KEY = "__watermark__";

    private final WindowedKpi<E, A, OUT> kpi;
    private final long graceMs;
    private final long stallTimeoutMs;
    private final Duration punctuateEvery;
    private final Set<String> expectedSources;
    private final PipelineMetrics metrics;

    private ProcessorContext<String, WindowOutput<OUT>> context;
    private KeyValueStore<Bytes, A> buckets;
    private KeyValueStore<String, Long> progress;
    private WatermarkTracker tracker;
    private WatermarkWatch watch;
    /** Buckets changed since the last update emission; in memory, as updates are best-effort. */
    private final TreeSet<BucketKey> dirty = new TreeSet<>();
    /** Zero: no open-window updates, only finals (replay, and consumers that want finals only). */
    private final Duration updateEvery;

    WindowedKpiProcessor(WindowedKpi<E, A, OUT> kpi, Timings timings, Set<String> expectedSources,
                         PipelineMetrics metrics) {
        this.kpi = kpi;
        this.graceMs = timings.windowGrace().toMillis();
        this.stallTimeoutMs = timings.stallTimeout().toMillis();
        this.punctuateEvery = timings.commitInterval();
        this.updateEvery = timings.kpiUpdateInterval();
        this.expectedSources = expectedSources;
        this.metrics = metrics;
    }

    static String bucketStore(String name) {
        return name + "-buckets";
    }

    static String progressStore(String name) {
        return name + "-progress";
    }

    @Override
    public void init(ProcessorContext<String, WindowOutput<OUT>> context) {
        this.context = context;
        this.buckets = context.getStateStore(bucketStore(kpi.name()));
        this.progress = context.getStateStore(progressStore(kpi.name()));
        metrics.declareLate(kpi.name()); // lastmile_late_records_total{kpi=<this family>} starts at 0
        dirty.clear(); // a revived task re-reads from its committed offsets
        Map<String, Long> restored = new HashMap<>();
        long watermark = Long.MIN_VALUE;
        try (KeyValueIterator<String, Long> it = progress.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> e = it.next();
                if (e.key.equals(WATERMARK_KEY)) {
                    watermark = e.value;
                } else {
                    restored.put(e.key, e.value);
                }
            }
        }
        tracker = new WatermarkTracker(expectedSources, restored, watermark, stallTimeoutMs,
                context.currentSystemTimeMs());
        watch = new WatermarkWatch(kpi.name(), context.taskId().partition(), metrics.watermarks(),
                context.currentSystemTimeMs());
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, wallNow -> {
            advanceWatermark(wallNow, wallNow);
            watch.report(tracker, wallNow);
        });
        if (!updateEvery.isZero()) {
            context.schedule(updateEvery, PunctuationType.WALL_CLOCK_TIME, this::emitUpdates);
        }
    }

    @Override
    public void close() {
        watch.close();
    }

    @Override
    public void process(Record<String, Envelope> record) {
        long wallNow = context.currentSystemTimeMs();
        if (record.value() instanceof Envelope.Marker m) {
            if (tracker.observe(m.source(), m.eventTimeMs(), wallNow)) {
                progress.put(m.source(), m.eventTimeMs());
            }
            // Also when this source did not advance: a source that speaks again after a stall
            // holds the watermark again, and one that kept it held may have let it go.
            advanceWatermark(wallNow, record.timestamp());
            return;
        }
        Envelope.Data data = (Envelope.Data) record.value();
        E event = kpi.decode(data);
        long hour = TimeWindows.hourOf(kpi.eventTime(event));
        long watermark = tracker.watermark();
        if (TimeWindows.isClosed(TimeWindows.lastWindowEnd(hour), graceMs, watermark)) {
            late(record, data, hour, watermark, false);
            return;
        }
        for (String group : kpi.groups(event)) {
            BucketKey key = new BucketKey(group, hour);
            A current = buckets.get(key.toBytes());
            buckets.put(key.toBytes(), kpi.add(current == null ? kpi.empty() : current, event));
            if (!updateEvery.isZero()) {
                dirty.add(key);
            }
        }
        if (TimeWindows.isClosed(hour + HOUR_MS, graceMs, watermark)) {
            late(record, data, hour, watermark, true);
        } else if (record.headers().lastHeader(RecordHeaderNames.LATE_FAMILIES) != null) {
            counted(record, data, hour, watermark);
        }
    }

    private void late(Record<String, Envelope> record, Envelope.Data data, long hour, long watermark,
                      boolean countedInRolling) {
        context.forward(new Record<String, WindowOutput<OUT>>(null, new WindowOutput.Late<>(new LateVerdict(kpi.name(),
                true, countedInRolling, watermark, data.eventTimeMs(), hour + HOUR_MS, data.source(), data.offset(),
                data.rawKey(), data.rawValue())), record.timestamp(), record.headers()));
    }

    /** The "counted" verdict on a record its gate flagged at risk, which the late collector waits for. */
    private void counted(Record<String, Envelope> record, Envelope.Data data, long hour, long watermark) {
        context.forward(new Record<String, WindowOutput<OUT>>(null, new WindowOutput.Late<>(new LateVerdict(kpi.name(),
                false, false, watermark, data.eventTimeMs(), hour + HOUR_MS, data.source(), data.offset(), null, null)),
                record.timestamp(), record.headers()));
    }

    /** Moves the watermark and emits the final record of every window that closed. */
    private void advanceWatermark(long wallNow, long timestamp) {
        long previous = tracker.watermark();
        long watermark = tracker.advance(wallNow);
        if (watermark == previous) {
            return;
        }
        progress.put(WATERMARK_KEY, watermark);
        if (closingStep(watermark) == closingStep(previous)) {
            return; // no window end + grace lies in (previous, watermark]
        }
        TreeSet<Slot> closing = new TreeSet<>();
        List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, A> it = buckets.all()) {
            while (it.hasNext()) {
                Bytes key = it.next().key;
                BucketKey b = BucketKey.fromBytes(key);
                if (closesBetween(b.hour() + HOUR_MS, previous, watermark)) {
                    closing.add(new Slot(b.hour() + HOUR_MS, WindowKind.HOURLY, b.group()));
                }
                for (long end = b.hour() + HOUR_MS; end <= b.hour() + DAY_MS; end += HOUR_MS) {
                    if (closesBetween(end, previous, watermark)) {
                        closing.add(new Slot(end, WindowKind.ROLLING_24H, b.group()));
                    }
                }
                if (TimeWindows.isClosed(TimeWindows.lastWindowEnd(b.hour()), graceMs, watermark)) {
                    expired.add(key);
                }
            }
        }
        emitWindows(closing, true, timestamp);
        expired.forEach(buckets::delete);
        dirty.removeIf(b -> TimeWindows.isClosed(TimeWindows.lastWindowEnd(b.hour()), graceMs, watermark));
    }

    /** Emits final=false records for the open windows that changed since the last call. */
    private void emitUpdates(long timestamp) {
        if (dirty.isEmpty()) {
            return;
        }
        long watermark = tracker.watermark();
        TreeSet<Slot> open = new TreeSet<>();
        for (BucketKey b : dirty) {
            if (!TimeWindows.isClosed(b.hour() + HOUR_MS, graceMs, watermark)) {
                open.add(new Slot(b.hour() + HOUR_MS, WindowKind.HOURLY, b.group()));
            }
            for (long end = b.hour() + HOUR_MS; end <= b.hour() + DAY_MS; end += HOUR_MS) {
                if (!TimeWindows.isClosed(end, graceMs, watermark)) {
                    open.add(new Slot(end, WindowKind.ROLLING_24H, b.group()));
                }
            }
        }
        dirty.clear();
        emitWindows(open, false, timestamp);
    }

    /**
     * Emits the given windows, each followed by the summaries of its kind and end, in
     * (end, kind, group) order, so the same input gives the same output.
     */
    private void emitWindows(TreeSet<Slot> slots, boolean isFinal, long timestamp) {
        TreeMap<Slot, KeyValue<String, OUT>> out = new TreeMap<>();
        TreeSet<Slot> summaries = new TreeSet<>();
        for (Slot slot : slots) {
            if (!kpi.windows().contains(slot.kind())) {
                continue;
            }
            long start = slot.end() - TimeWindows.size(slot.kind());
            A value = slot.kind() == WindowKind.HOURLY ? buckets.get(new BucketKey(slot.group(), start).toBytes())
                    : sumRolling(slot.group(), slot.end());
            if (value == null) {
                continue;
            }
            out.put(slot, kpi.output(slot.group(), slot.kind(), start, slot.end(), value, isFinal));
            String summary = kpi.summaryOf(slot.group());
            if (summary != null) {
                summaries.add(new Slot(slot.end(), slot.kind(), summary));
            }
        }
        for (Slot s : summaries) {
            long start = s.end() - TimeWindows.size(s.kind());
            List<KeyValue<String, OUT>> records = kpi.summarize(s.group(), s.kind(), start, s.end(),
                    groupsOf(s.group(), start, s.end()), isFinal);
            for (int i = 0; i < records.size(); i++) {
                out.put(new Slot(s.end(), s.kind(), s.group() + "\u0000" + i), records.get(i));
            }
        }
        out.values().forEach(kv -> emit(kv, timestamp));
    }

    /** Every group of {@code summary} with its aggregate over the hours in [start, end). */
    private Map<String, A> groupsOf(String summary, long start, long end) {
        Map<String, A> groups = new TreeMap<>();
        try (KeyValueIterator<Bytes, A> it = buckets.prefixScan(summary + "|",
                new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<Bytes, A> e = it.next();
                BucketKey b = BucketKey.fromBytes(e.key);
                if (b.hour() >= start && b.hour() < end && summary.equals(kpi.summaryOf(b.group()))) {
                    groups.merge(b.group(), e.value, kpi::merge);
                }
            }
        }
        return groups;
    }

    private A sumRolling(String group, long end) {
        A sum = kpi.empty();
        try (KeyValueIterator<Bytes, A> it = buckets.range(new BucketKey(group, end - DAY_MS).toBytes(),
                new BucketKey(group, end - HOUR_MS).toBytes())) {
            while (it.hasNext()) {
                sum = kpi.merge(sum, it.next().value);
            }
        }
        return sum;
    }

    private void emit(KeyValue<String, OUT> kv, long timestamp) {
        context.forward(new Record<String, WindowOutput<OUT>>(kv.key, new WindowOutput.Kpi<>(kv.key, kv.value),
                Math.max(0, timestamp)));
    }

    private boolean closesBetween(long windowEnd, long previous, long watermark) {
        return !TimeWindows.isClosed(windowEnd, graceMs, previous) && TimeWindows.isClosed(windowEnd, graceMs, watermark);
    }

    /** Which hour boundary + grace the watermark has passed; windows close only when it changes. */
    private long closingStep(long watermark) {
        if (watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE) {
            return watermark;
        }
        return Math.floorDiv(watermark - graceMs, HOUR_MS);
    }

    /** Emission order of windows: by end, then kind, then group. */
    private record Slot(long end, WindowKind kind, String group) implements Comparable<Slot> {
        @Override
        public int compareTo(Slot o) {
            int c = Long.compare(end, o.end);
            if (c == 0) {
                c = kind.compareTo(o.kind);
            }
            return c != 0 ? c : group.compareTo(o.group);
        }
    }
}
