package dev.lastmile.kpi.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/** Headers the pipeline adds to DLQ and late records; the original headers are kept beside them. */
public final class RecordHeaderNames {

    public static final String SOURCE_TOPIC = "lastmile.source.topic";
    public static final String SOURCE_PARTITION = "lastmile.source.partition";
    public static final String SOURCE_OFFSET = "lastmile.source.offset";
    public static final String APPLICATION_ID = "lastmile.application.id";
    public static final String DLQ_REASON = "lastmile.dlq.reason";
    public static final String DLQ_REASON_CODE = "lastmile.dlq.reason.code";
    public static final String LATE_REASON = "lastmile.late.reason";
    /** The KPI families that missed the record, comma-separated (one copy per record). */
    public static final String LATE_KPI = "lastmile.late.kpi";
    /**
     * Internal, on records at risk of being late: the KPI families the record is sent to, each of
     * which reports its verdict, so one late copy can list every family that missed it.
     */
    static final String LATE_FAMILIES = "lastmile.late.families";
    /** Per family in lastmile.late.kpi, the watermark that had closed its window. */
    public static final String LATE_WATERMARK = "lastmile.late.watermark";
    /** Per family in lastmile.late.kpi, "true" when the record still counted in its open rolling 24h windows. */
    public static final String LATE_COUNTED_IN_ROLLING = "lastmile.late.counted-in-rolling";
    /** On a DLQ or late copy cut to fit: what was cut, comma-separated ("value", "key", "headers"). */
    public static final String TRUNCATED = "lastmile.truncated";
    /** On a cut copy: bytes of the original key, value and headers. */
    public static final String ORIGINAL_SIZE = "lastmile.original.size";
    /** On a cut copy: SHA-256 (hex) of the original value, to find or verify the original. */
    public static final String ORIGINAL_SHA256 = "lastmile.original.sha256";
    /**
     * On DLQ and late records: the Kafka timestamp the record had (ISO-8601), as those topics are
     * stamped with the broker's append time so their retention counts from the write.
     */
    public static final String ORIGINAL_TIMESTAMP = "lastmile.original.timestamp";
    /** Set by `replay` on each record: the 1-based input line. */
    public static final String REPLAY_LINE = "lastmile.replay.line";
    /** A control record with this header (value "end-of-input") closes every window; only honoured when enabled. */
    public static final String CONTROL = "lastmile.control";
    public static final String END_OF_INPUT = "end-of-input";

    private RecordHeaderNames() {
    }

    /** Adds a header with a UTF-8 text value (every lastmile header is text). */
    static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
