package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.codec.PayloadReader;
import dev.lastmile.kpi.codec.PayloadWriter;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Writes one late-events copy per input record, listing every KPI family that missed it.
 *
 * <p>The KPI families are separate tasks with their own watermarks, so a record can be late in one
 * and on time in another, and no family knows the others' verdicts. What makes one exact copy
 * possible cheaply: every family's watermark is at most the progress its sources reported, so a
 * record can only be late somewhere if its own input partition had already passed its hour's end +
 * grace when the gate read it. The gate flags exactly those records "at risk" (header
 * {@code lastmile.late.families}: the families the record is sent to; tickets learn theirs in the
 * lifecycle stage). Each family reports a verdict on every record that missed one of its windows
 * and on every at-risk record, counted or not. This processor, keyed by the record's origin
 * (input partition and offset), keeps the verdicts until every family the record was sent to has
 * reported, then writes the copy if any missed it, and counts the record once. On-time records
 * that are not at risk (nearly all) cost nothing here.
 *
 * <p>One exception: after {@code watermark.stall.timeout} let a silent partition stop holding the
 * watermark, its records can be late without being flagged; each family then reports alone and
 * each such verdict is copied on its own.
 */
final class LateCollector implements Processor<String, LateVerdict, byte[], byte[]> {

    static final String STORE = "late-copies-pending";
    private static final int VERSION = 1;

    private final int maxCopyBytes;
    private final Duration grace;
    private final PipelineMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, byte[]> pending;

    LateCollector(int maxCopyBytes, Duration grace, PipelineMetrics metrics) {
        this.maxCopyBytes = maxCopyBytes;
        this.grace = grace;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.pending = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, LateVerdict> record) {
        LateVerdict verdict = record.value();
        Header families = record.headers().lastHeader(RecordHeaderNames.LATE_FAMILIES);
        Set<String> expected = new LinkedHashSet<>();
        if (families != null) {
            expected.addAll(List.of(new String(families.value(), StandardCharsets.UTF_8).split(",")));
        }
        expected.add(verdict.family());
        List<LateVerdict> verdicts = new ArrayList<>(decode(pending.get(record.key())));
        verdicts.removeIf(v -> v.family().equals(verdict.family())); // a re-read after an abort
        verdicts.add(verdict);
        Set<String> judged = verdicts.stream().map(LateVerdict::family).collect(Collectors.toSet());
        if (!judged.containsAll(expected)) {
            pending.put(record.key(), encode(verdicts));
            return;
        }
        pending.delete(record.key());
        List<LateVerdict> missed = expected.stream().flatMap(f -> verdicts.stream().filter(v -> v.family().equals(f)))
                .filter(LateVerdict::missed).toList();
        if (!missed.isEmpty()) {
            write(record, missed);
        }
    }

    private void write(Record<String, LateVerdict> record, List<LateVerdict> missed) {
        LateVerdict first = missed.get(0);
        String kpis = missed.stream().map(LateVerdict::family).collect(Collectors.joining(","));
        metrics.late(kpis);
        Headers original = new RecordHeaders();
        record.headers().forEach(h -> {
            if (!h.key().equals(RecordHeaderNames.LATE_FAMILIES)) {
                original.add(h);
            }
        });
        Headers added = new RecordHeaders();
        int colon = first.source().lastIndexOf(':');
        RecordHeaderNames.add(added, RecordHeaderNames.SOURCE_TOPIC, first.source().substring(0, colon));
        RecordHeaderNames.add(added, RecordHeaderNames.SOURCE_PARTITION, first.source().substring(colon + 1));
        RecordHeaderNames.add(added, RecordHeaderNames.SOURCE_OFFSET, Long.toString(first.offset()));
        RecordHeaderNames.add(added, RecordHeaderNames.LATE_KPI, kpis);
        RecordHeaderNames.add(added, RecordHeaderNames.LATE_WATERMARK, missed.stream()
                .map(v -> Instant.ofEpochMilli(v.watermark()).toString()).collect(Collectors.joining(",")));
        RecordHeaderNames.add(added, RecordHeaderNames.LATE_COUNTED_IN_ROLLING, missed.stream()
                .map(v -> Boolean.toString(v.countedInRolling())).collect(Collectors.joining(",")));
        RecordHeaderNames.add(added, RecordHeaderNames.LATE_REASON, missed.stream().map(v -> reason(v, missed.size() > 1))
                .collect(Collectors.joining(" | ")));
        RecordCopies.Copy copy = RecordCopies.fit(first.rawKey(), first.rawValue(), original, added, maxCopyBytes);
        context.forward(new Record<>(copy.key(), copy.value(), record.timestamp(), copy.headers()));
    }

    private String reason(LateVerdict v, boolean named) {
        return (named ? v.family() + ": " : "") + "event_time "
                + Instant.ofEpochMilli(v.eventTime()) + " falls in the hourly window ending "
                + Instant.ofEpochMilli(v.hourEnd()) + ", closed when the watermark passed end + grace (" + grace + ")"
                + (v.countedInRolling() ? "; still counted in the rolling 24h windows that were open"
                : "; every window containing it was closed");
    }

    /** Store value, version 1 (unchanged since wave 1): the count, then each verdict's bytes, length-prefixed. */
    static byte[] encode(List<LateVerdict> verdicts) {
        PayloadWriter out = PayloadWriter.version(VERSION).writeInt(verdicts.size());
        verdicts.forEach(v -> out.writeBytes(LateVerdict.VerdictSerde.encode(v)));
        return out.toBytes();
    }

    static List<LateVerdict> decode(byte[] stored) {
        if (stored == null) {
            return List.of();
        }
        PayloadReader in = PayloadReader.open("pending late verdicts", stored);
        if (in.version() != VERSION) {
            throw in.unsupportedVersion();
        }
        List<LateVerdict> out = new ArrayList<>();
        for (int i = in.readInt(); i > 0; i--) {
            out.add(LateVerdict.VerdictSerde.decode(in.readBytes()));
        }
        in.end();
        return out;
    }
}
