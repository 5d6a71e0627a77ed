package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.kpi.Validation;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.watermark.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
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
 * marker interval, and on each wall-clock punctuation if it moved since the last marker.
 */
final class InputGate<E> implements Processor<byte[], byte[], String, Gated<E>> {

    private final InputSpec<E> spec;
    private final String dedupStoreName;
    private final long dedupRetentionMs;
    private final long markerIntervalMs;
    private final Duration punctuateEvery;
    private final boolean honourEndOfInput;
    private final PipelineMetrics metrics;

    private ProcessorContext<String, Gated<E>> context;
    private WindowStore<String, Long> seen;
    private final Map<String, Long> maxEventTime = new HashMap<>();
    private final Map<String, Long> lastMarker = new HashMap<>();

    InputGate(InputSpec<E> spec, String dedupStoreName, Duration dedupRetention, Duration markerInterval,
              Duration punctuateEvery, boolean honourEndOfInput, PipelineMetrics metrics) {
        this.spec = spec;
        this.dedupStoreName = dedupStoreName;
        this.dedupRetentionMs = dedupRetention.toMillis();
        this.markerIntervalMs = markerInterval.toMillis();
        this.punctuateEvery = punctuateEvery;
        this.honourEndOfInput = honourEndOfInput;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Gated<E>> context) {
        this.context = context;
        this.seen = context.getStateStore(dedupStoreName);
        context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::sendPendingMarkers);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        String source = Envelope.source(meta.topic(), meta.partition());
        if (honourEndOfInput && isEndOfInput(record.headers())) {
            maxEventTime.put(source, Long.MAX_VALUE);
            sendMarker(source, Long.MAX_VALUE, record.timestamp());
            return;
        }
        metrics.recordIn(meta.topic());
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
        Optional<Validation.Rejection> rejection = spec.validator().check(event, context.currentSystemTimeMs());
        if (rejection.isPresent()) {
            reject(record, meta, rejection.get());
            return;
        }
        long eventTime = spec.eventTime().applyAsLong(event);
        String eventId = spec.eventId().apply(event);
        if (seenBefore(eventId, eventTime)) {
            metrics.duplicate(meta.topic());
        } else {
            seen.put(eventId, eventTime, eventTime);
            Envelope.Data data = new Envelope.Data(source, meta.offset(), eventTime, record.key(), record.value());
            context.forward(new Record<String, Gated<E>>(null, new Gated.Accepted<>(event, data), eventTime,
                    record.headers()));
        }
        observeProgress(source, eventTime, record.timestamp());
    }

    private boolean seenBefore(String eventId, long eventTime) {
        long from = Math.max(0, eventTime - dedupRetentionMs);
        try (WindowStoreIterator<Long> it = seen.fetch(eventId, from, eventTime + dedupRetentionMs)) {
            return it.hasNext();
        }
    }

    private void observeProgress(String source, long eventTime, long timestamp) {
        long old = maxEventTime.getOrDefault(source, Long.MIN_VALUE);
        if (eventTime <= old) {
            return;
        }
        maxEventTime.put(source, eventTime);
        if (old == Long.MIN_VALUE || Math.floorDiv(eventTime, markerIntervalMs) > Math.floorDiv(old, markerIntervalMs)) {
            sendMarker(source, eventTime, timestamp);
        }
    }

    private void sendPendingMarkers(long wallNow) {
        maxEventTime.forEach((source, max) -> {
            if (max > lastMarker.getOrDefault(source, Long.MIN_VALUE)) {
                sendMarker(source, max, wallNow);
            }
        });
    }

    private void sendMarker(String source, long eventTime, long timestamp) {
        lastMarker.put(source, eventTime);
        context.forward(new Record<String, Gated<E>>(source,
                new Gated.Progress<>(new Envelope.Marker(source, eventTime)), timestamp, new RecordHeaders()));
    }

    private void reject(Record<byte[], byte[]> record, RecordMetadata meta, Validation.Rejection rejection) {
        metrics.dlq(meta.topic(), rejection.code());
        Headers headers = new RecordHeaders(record.headers().toArray());
        add(headers, RecordHeaderNames.SOURCE_TOPIC, meta.topic());
        add(headers, RecordHeaderNames.SOURCE_PARTITION, Integer.toString(meta.partition()));
        add(headers, RecordHeaderNames.SOURCE_OFFSET, Long.toString(meta.offset()));
        add(headers, RecordHeaderNames.APPLICATION_ID, context.applicationId());
        add(headers, RecordHeaderNames.DLQ_REASON_CODE, rejection.code());
        add(headers, RecordHeaderNames.DLQ_REASON, rejection.message());
        context.forward(new Record<String, Gated<E>>(null, new Gated.Rejected<>(record.key(), record.value()),
                record.timestamp(), headers));
    }

    private static boolean isEndOfInput(Headers headers) {
        Header h = headers.lastHeader(RecordHeaderNames.CONTROL);
        return h != null && RecordHeaderNames.END_OF_INPUT.equals(new String(h.value(), StandardCharsets.UTF_8));
    }

    static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
