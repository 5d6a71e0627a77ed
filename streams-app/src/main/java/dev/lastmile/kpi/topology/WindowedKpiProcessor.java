package dev.lastmile.kpi.topology;

import static dev.lastmile.kpi.kpi.TimeWindows.DAY_MS;
import static dev.lastmile.kpi.kpi.TimeWindows.HOUR_MS;

import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.kpi.TimeWindows;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.watermark.Envelope;
import dev.lastmile.kpi.watermark.WatermarkTracker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * <p>An event whose hourly window is closed is late: it goes to the late-events topic. If some
 * rolling windows containing it are still open it counts in those (header
 * {@code lastmile.late.counted-in-rolling=true}); if all are closed it counts nowhere.
 */
final class WindowedKpiProcessor<E, A, OUT> implements Processor<String, Envelope, String, WindowOutput<OUT>> {

    static final String WATERMARK_KEY = "__watermark__";

    private final WindowedKpi<E, A, OUT> kpi;
    private final long graceMs;
    private final long idleTimeoutMs;
    private final Duration punctuateEvery;
    private final Set<String> expectedSources;
    private final PipelineMetrics metrics;

    private ProcessorContext<String, WindowOutput<OUT>> context;
    private KeyValueStore<Bytes, A> buckets;
    private KeyValueStore<String, Long> progress;
    private WatermarkTracker tracker;
    /** Buckets changed since the last update emission; in memory, as updates are best-effort. */
    private final TreeSet<BucketKey> dirty = new TreeSet<>();

    WindowedKpiProcessor(WindowedKpi<E, A, OUT> kpi, Duration grace, Duration idleTimeout, Duration punctuateEvery,
                         Set<String> expectedSources, PipelineMetrics metrics) {
        this.kpi = kpi;
        this.graceMs = grace.toMillis();
        this.idleTimeoutMs = idleTimeout.toMillis();
        this.punctuateEvery = punctuateEvery;
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
        tracker = new WatermarkTracker(expectedSources, restored, watermark, idleTimeoutMs,
                context.currentSystemTimeMs());
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, wallNow -> {
            advanceWatermark(wallNow, wallNow);
            emitUpdates(wallNow);
        });
    }

    @Override
    public void process(Record<String, Envelope> record) {
        long wallNow = context.currentSystemTimeMs();
        if (record.value() instanceof Envelope.Marker m) {
            if (tracker.observe(m.source(), m.eventTimeMs(), wallNow)) {
                progress.put(m.source(), m.eventTimeMs());
                advanceWatermark(wallNow, record.timestamp());
            }
            return;
        }
        Envelope.Data data = (Envelope.Data) record.value();
        E event = kpi.decoder().deserialize(data.source(), data.rawValue());
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
            dirty.add(key);
        }
        if (TimeWindows.isClosed(hour + HOUR_MS, graceMs, watermark)) {
            late(record, data, hour, watermark, true);
        }
    }

    private void late(Record<String, Envelope> record, Envelope.Data data, long hour, long watermark,
                      boolean countedInRolling) {
        metrics.late(kpi.name());
        Headers headers = new RecordHeaders(record.headers().toArray());
        int colon = data.source().lastIndexOf(':');
        InputGate.add(headers, RecordHeaderNames.SOURCE_TOPIC, data.source().substring(0, colon));
        InputGate.add(headers, RecordHeaderNames.SOURCE_PARTITION, data.source().substring(colon + 1));
        InputGate.add(headers, RecordHeaderNames.SOURCE_OFFSET, Long.toString(data.offset()));
        InputGate.add(headers, RecordHeaderNames.LATE_KPI, kpi.name());
        InputGate.add(headers, RecordHeaderNames.LATE_WATERMARK, Instant.ofEpochMilli(watermark).toString());
        InputGate.add(headers, RecordHeaderNames.LATE_COUNTED_IN_ROLLING, Boolean.toString(countedInRolling));
        InputGate.add(headers, RecordHeaderNames.LATE_REASON, "event_time " + Instant.ofEpochMilli(data.eventTimeMs())
                + " falls in the hourly window ending " + Instant.ofEpochMilli(hour + HOUR_MS)
                + ", closed when the watermark passed end + grace (" + Duration.ofMillis(graceMs) + ")"
                + (countedInRolling ? "; still counted in the rolling 24h windows that were open"
                : "; every window containing it was closed"));
        context.forward(new Record<String, WindowOutput<OUT>>(null,
                new WindowOutput.Late<>(data.rawKey(), data.rawValue()), record.timestamp(), headers));
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
        // Finals in (window end, window kind, group) order, so the same input gives the same output.
        TreeMap<Slot, KeyValue<String, OUT>> finals = new TreeMap<>();
        TreeSet<BucketKey> rolling = new TreeSet<>();
        List<Bytes> expired = new ArrayList<>();
        try (KeyValueIterator<Bytes, A> it = buckets.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, A> entry = it.next();
                BucketKey b = BucketKey.fromBytes(entry.key);
                if (closesBetween(b.hour() + HOUR_MS, previous, watermark)) {
                    finals.put(new Slot(b.hour() + HOUR_MS, WindowKind.HOURLY, b.group()),
                            kpi.output(b.group(), WindowKind.HOURLY, b.hour(), b.hour() + HOUR_MS, entry.value, true));
                }
                for (long end = b.hour() + HOUR_MS; end <= b.hour() + DAY_MS; end += HOUR_MS) {
                    if (closesBetween(end, previous, watermark)) {
                        rolling.add(new BucketKey(b.group(), end));
                    }
                }
                if (TimeWindows.isClosed(TimeWindows.lastWindowEnd(b.hour()), graceMs, watermark)) {
                    expired.add(entry.key);
                }
            }
        }
        for (BucketKey window : rolling) {
            A sum = sumRolling(window.group(), window.hour());
            finals.put(new Slot(window.hour(), WindowKind.ROLLING_24H, window.group()),
                    kpi.output(window.group(), WindowKind.ROLLING_24H, window.hour() - DAY_MS, window.hour(), sum, true));
        }
        finals.values().forEach(kv -> emit(kv, timestamp));
        expired.forEach(buckets::delete);
        dirty.removeIf(b -> TimeWindows.isClosed(TimeWindows.lastWindowEnd(b.hour()), graceMs, watermark));
    }

    /** Emits final=false records for the open windows that changed since the last call. */
    private void emitUpdates(long timestamp) {
        if (dirty.isEmpty()) {
            return;
        }
        long watermark = tracker.watermark();
        TreeMap<Slot, KeyValue<String, OUT>> updates = new TreeMap<>();
        TreeSet<BucketKey> rolling = new TreeSet<>();
        for (BucketKey b : dirty) {
            if (!TimeWindows.isClosed(b.hour() + HOUR_MS, graceMs, watermark)) {
                A value = buckets.get(b.toBytes());
                updates.put(new Slot(b.hour() + HOUR_MS, WindowKind.HOURLY, b.group()),
                        kpi.output(b.group(), WindowKind.HOURLY, b.hour(), b.hour() + HOUR_MS, value, false));
            }
            for (long end = b.hour() + HOUR_MS; end <= b.hour() + DAY_MS; end += HOUR_MS) {
                if (!TimeWindows.isClosed(end, graceMs, watermark)) {
                    rolling.add(new BucketKey(b.group(), end));
                }
            }
        }
        for (BucketKey window : rolling) {
            updates.put(new Slot(window.hour(), WindowKind.ROLLING_24H, window.group()),
                    kpi.output(window.group(), WindowKind.ROLLING_24H, window.hour() - DAY_MS, window.hour(),
                            sumRolling(window.group(), window.hour()), false));
        }
        dirty.clear();
        updates.values().forEach(kv -> emit(kv, timestamp));
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
