package dev.lastmile.kpi.topology;

/** Headers the pipeline adds to DLQ and late records; the original headers are kept beside them. */
public final class RecordHeaderNames {

    public static final String SOURCE_TOPIC = "lastmile.source.topic";
    public static final String SOURCE_PARTITION = "lastmile.source.partition";
    public static final String SOURCE_OFFSET = "lastmile.source.offset";
    public static final String APPLICATION_ID = "lastmile.application.id";
    public static final String DLQ_REASON = "lastmile.dlq.reason";
    public static final String DLQ_REASON_CODE = "lastmile.dlq.reason.code";
    public static final String LATE_REASON = "lastmile.late.reason";
    public static final String LATE_KPI = "lastmile.late.kpi";
    public static final String LATE_WATERMARK = "lastmile.late.watermark";
    /** "true" when the record still counted in rolling 24h windows that were open. */
    public static final String LATE_COUNTED_IN_ROLLING = "lastmile.late.counted-in-rolling";
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
}
