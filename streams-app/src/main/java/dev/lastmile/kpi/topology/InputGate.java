package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.kpi.TimeWindows;
import dev.lastmile.kpi.kpi.Validation;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.watermark.CatchUpProbe;
import dev.lastmile.kpi.watermark.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * First stop of every input record: decode, check the contract's rules, drop repeats of an
 * event_id, and report the partition's event-time progress.
 *
 * <ul>
 *   <li>undecodable or invalid: {@link Gated.Rejected} with the original bytes and headers plus
 *       headers naming source topic, partition, offset and reason;</li>
 *   <li>seen before (same event_id within the dedup retention): dropped and counted;</li>
 *   <li>otherwise {@link Gated.Accepted}.</li>
 * </ul>
 * Progress markers go out whenever the partition's highest event time crosses a multiple of the
 * marker interval, and on each wall-clock punctuation. At a punctuation the gate also asks whether
 * it has read its partition to the end; if so it vouches for the wall-clock time as its progress,
 * so a quiet partition lets windows close (at night, after a backlog) while one that is merely
 * slow, restoring or starved keeps holding them: idleness is declared by the source, never
 * inferred downstream from silence.
 */
final class InputGate<E> implements Processor<byte[], byte[], String, Gated<E>> {

    private final InputSpec<E> spec;
    private final String dedupStoreName;
    private final long dedupRetentionMs;
    private final long markerIntervalMs;
    private final Duration punctuateEvery;
    private final boolean honourEndOfInput;
    private final PipelineMetrics metrics;
    private final CatchUpProbe catchUp;
    private final LongUnaryOperator eventClock;
    private final GateLimits limits;

    private ProcessorContext<String, Gated<E>> context;
    private WindowStore<String, byte[]> seen;
    private KnownKeys known;
    private TopicPartition partition;
    private String source;
    /** Highest event time read, or the wall-clock time vouched for when caught up. */
    private long progress = Long.MIN_VALUE;
    private long sentProgress = Long.MIN_VALUE;
    private long lastOffset = -1;

    InputGate(InputSpec<E> spec, String dedupStoreName, Timings timings, boolean honourEndOfInput,
              PipelineMetrics metrics, CatchUpProbe catchUp, LongUnaryOperator eventClock, GateLimits limits) {
        this.spec = spec;
        this.dedupStoreName = dedupStoreName;
        this.dedupRetentionMs = timings.dedupRetention().toMillis();
        this.markerIntervalMs = timings.markerInterval().toMillis();
        this.punctuateEvery = timings.commitInterval();
        this.honourEndOfInput = honourEndOfInput;
        this.metrics = metrics;
        this.catchUp = catchUp;
        this.eventClock = eventClock;
        this.limits = limits;
    }

    @Override
    public void init(ProcessorContext<String, Gated<E>> context) {
        this.context = context;
        this.seen = context.getStateStore(dedupStoreName);
        // Rebuilt from the store on every (re-)initialisation, as the store may have been rolled back.
        this.known = new KnownKeys(context.getStateStore(spec.name() + "-known-keys"), limits, dedupRetentionMs);
        context.schedule(ExpirySweep.EVERY, PunctuationType.WALL_CLOCK_TIME, known::forgetOld);
        // Kafka Streams re-initialises the same processor when it revives a task (after an aborted
        // transaction it re-reads from the committed offsets): what was seen since is void.
        this.progress = Long.MIN_VALUE;
        this.sentProgress = Long.MIN_VALUE;
        this.lastOffset = -1;
        // One gate task per partition of its topic: the task's partition is the gate's input partition.
        this.partition = new TopicPartition(spec.topic(), context.taskId().partition());
        metrics.declareInput(spec.topic()); // its counters (records in, repeats, DLQ by reason) start at 0
        this.source = Envelope.source(partition.topic(), partition.partition());
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        // After the progress punctuation (same interval, scheduled later): keep what it reported.
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, now -> known.reported(progress));
    }

    @Override
    public void close() {
        metrics.watermarks().forgetInput(source);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        lastOffset = meta.offset();
        if (honourEndOfInput && isEndOfInput(record.headers())) {
            progress = Long.MAX_VALUE;
            sendMarker(record.timestamp());
            return;
        }
        metrics.recordIn(meta.topic());
        // Before decoding: a record this large could not be forwarded to the repartition topic.
        int size = RecordCopies.size(record.key(), record.value(), record.headers());
        if (size > limits.maxRecordBytes()) {
            reject(record, meta, new Validation.Rejection("too_large", "record is " + size + " bytes (key + value + "
                    + "headers), more than input.max.record.bytes (" + limits.maxRecordBytes() + ")"));
            return;
        }
        E event;
        try {
            event = spec.decoder().deserialize(meta.topic(), record.value());
            if (event == null) {
                reject(record, meta, new Validation.Rejection("undecodable", "null value (tombstone) on an event topic"));
                return;
            }
        } catch (dev.lastmile.kpi.serde.SchemaRegistryUnavailableException e) {
            // The registry is out, the record is fine: never dead-letter it. Rethrown (after the
            // client's retries), it fails the stream thread before this offset is committed, and
            // the replacement thread reads the record again (Pipeline's exception handler).
            throw e;
        } catch (RuntimeException e) {
            reject(record, meta, new Validation.Rejection("undecodable", "undecodable: " + e.getMessage()));
            return;
        }
        Optional<Validation.Rejection> rejection = spec.validator().check(event, eventClock.applyAsLong(context.currentSystemTimeMs()));
        if (rejection.isPresent()) {
            reject(record, meta, rejection.get());
            return;
        }
        long eventTime = spec.eventTime().applyAsLong(event);
        String eventId = spec.eventId().apply(event);
        // The decoded record's text is its content: equal for a retry or a replayed file, whatever
        // schema version wrote it.
        String content = event.toString();
        SeenEvent first = firstSeen(eventId, eventTime);
        if (first != null && first.offset() != meta.offset()) {
            if (!first.sameContent(content)) {
                reject(record, meta, new Validation.Rejection("conflicting_duplicate", "event_id " + eventId
                        + " was first read at offset " + first.offset() + " with different content; an event id "
                        + "names one event"));
                return;
            }
            metrics.duplicate(meta.topic());
        } else {
            Optional<Validation.Rejection> unknown = known.admit(spec.region().apply(event), spec.route().apply(event),
                    eventTime);
            if (unknown.isPresent()) {
                reject(record, meta, unknown.get());
                return;
            }
            if (first == null) {
                seen.put(eventId, SeenEvent.of(meta.offset(), content).encode(), eventTime);
            }
            Envelope.Data data = new Envelope.Data(source, meta.offset(), eventTime, record.key(), record.value());
            context.forward(new Record<String, Gated<E>>(null, new Gated.Accepted<>(event, data), eventTime,
                    atRisk(event, eventTime) ? withFamilies(record.headers(), spec.families().apply(event))
                            : record.headers()));
        }
        observeProgress(eventTime, record.timestamp());
        known.reported(progress);
    }

    /**
     * Whether this partition had already passed the event's hour end + grace: only then can a KPI
     * family find it late, as no family's watermark is ahead of what this gate reported (also
     * before a restart, hence the stored maximum).
     */
    private boolean atRisk(E event, long eventTime) {
        return spec.families().apply(event) != null
                && TimeWindows.isClosed(TimeWindows.hourOf(eventTime) + TimeWindows.HOUR_MS, limits.windowGraceMs(),
                Math.max(progress, known.reported()));
    }

    /** The record's headers plus the families that will report on it (see {@link LateCollector}). */
    private static Headers withFamilies(Headers original, String families) {
        Headers headers = new RecordHeaders(original.toArray());
        RecordHeaderNames.add(headers, RecordHeaderNames.LATE_FAMILIES, families);
        return headers;
    }

    /** The first sighting of the event id within the dedup retention around its time, or null. */
    private SeenEvent firstSeen(String eventId, long eventTime) {
        long from = Math.max(0, eventTime - dedupRetentionMs);
        try (WindowStoreIterator<byte[]> it = seen.fetch(eventId, from, eventTime + dedupRetentionMs)) {
            return it.hasNext() ? SeenEvent.decode(it.next().value) : null;
        }
    }

    private void observeProgress(long eventTime, long timestamp) {
        if (eventTime <= progress) {
            return;
        }
        progress = eventTime;
        if (sentProgress == Long.MIN_VALUE
                || Math.floorDiv(eventTime, markerIntervalMs) > Math.floorDiv(sentProgress, markerIntervalMs)) {
            sendMarker(timestamp);
        }
    }

    /**
     * Vouches for the wall clock when the partition is read to the end, and sends the progress
     * every time, changed or not: downstream a marker also says "this source is alive".
     */
    private void punctuate(long wallNow) {
        boolean caughtUp = catchUp.caughtUp(partition, lastOffset);
        long now = eventClock.applyAsLong(wallNow);
        if (caughtUp && now > progress) {
            progress = now;
        }
        metrics.watermarks().input(source, caughtUp, progress);
        if (progress != Long.MIN_VALUE) {
            sendMarker(wallNow);
        }
    }

    private void sendMarker(long timestamp) {
        sentProgress = progress;
        context.forward(new Record<String, Gated<E>>(source,
                new Gated.Progress<>(new Envelope.Marker(source, progress)), Math.max(0, timestamp),
                new RecordHeaders()));
    }

    private void reject(Record<byte[], byte[]> record, RecordMetadata meta, Validation.Rejection rejection) {
        metrics.dlq(meta.topic(), rejection.code());
        Headers headers = new RecordHeaders();
        RecordHeaderNames.add(headers, RecordHeaderNames.SOURCE_TOPIC, meta.topic());
        RecordHeaderNames.add(headers, RecordHeaderNames.SOURCE_PARTITION, Integer.toString(meta.partition()));
        RecordHeaderNames.add(headers, RecordHeaderNames.SOURCE_OFFSET, Long.toString(meta.offset()));
        RecordHeaderNames.add(headers, RecordHeaderNames.APPLICATION_ID, context.applicationId());
        RecordHeaderNames.add(headers, RecordHeaderNames.DLQ_REASON_CODE, rejection.code());
        RecordHeaderNames.add(headers, RecordHeaderNames.DLQ_REASON, rejection.message());
        RecordCopies.Copy copy = RecordCopies.fit(record.key(), record.value(), record.headers(), headers,
                limits.maxRecordBytes());
        context.forward(new Record<String, Gated<E>>(null, new Gated.Rejected<>(copy.key(), copy.value()),
                record.timestamp(), copy.headers()));
    }

    private static boolean isEndOfInput(Headers headers) {
        Header h = headers.lastHeader(RecordHeaderNames.CONTROL);
        return h != null && RecordHeaderNames.END_OF_INPUT.equals(new String(h.value(), StandardCharsets.UTF_8));
    }
}
