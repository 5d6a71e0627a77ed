package dev.lastmile.kpi.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every setting lastmile-kpi reads, with its default and meaning. The README's configuration table
 * is this list and the output topic setting of each KPI family ({@code KpiFamilies}). Kafka client and
 * Streams properties pass through with the {@code kafka.} prefix.
 */
public enum Setting {
    APPLICATION_ID("application.id", "lastmile-kpi", "Kafka Streams application id: consumer group and prefix of internal topics."),
    BOOTSTRAP_SERVERS("bootstrap.servers", "", "Kafka brokers, host:port[,host:port]. Required by `run`."),
    SCHEMA_REGISTRY_URL("schema.registry.url", "", "Confluent-compatible schema registry, http(s)://host:port, or mock://<scope> for in-memory. Required by `run`."),
    SCHEMA_REGISTRY_AUTH("schema.registry.basic.auth.user.info", "", "user:password for the registry's basic auth; empty for none."),
    REGISTRY_RETRY_BUDGET("schema.registry.retry.budget", "5s", "How long a registry call is retried while the registry is out (backoff 100ms doubling to 1s) before the stream thread is replaced and the records are read again from the last commit; at most 1m."),
    STATE_DIR("state.dir", "./lastmile-state", "Directory for the local state stores (RocksDB). Keep it on persistent disk."),
    PROCESSING_GUARANTEE("processing.guarantee", "exactly_once_v2", "exactly_once_v2; `run` refuses at_least_once, which can lose records on a crash (see Operations)."),
    COMMIT_INTERVAL("commit.interval", "1s", "How often Streams commits; also how often a quiet input reports progress."),
    KPI_UPDATE_INTERVAL("kpi.update.interval", "1s", "How often an open window emits its final=false update (at most once per key and interval); 0: finals only."),
    STREAM_THREADS("num.stream.threads", "1", "Stream threads in this instance."),
    WINDOW_GRACE("window.grace", "15m", "How long after its end a window still accepts records, judged by the watermark."),
    STALL_TIMEOUT("watermark.stall.timeout", "6h", "Safety valve: wall-clock time after which an input partition that has sent no progress at all (its task not running: restoring, migrating, dead) stops holding the watermark back. Quiet partitions never need it: their gates report that they are caught up."),
    MARKER_INTERVAL("watermark.marker.interval", "1m", "Event-time step at which an input partition reports its progress downstream."),
    DEDUP_RETENTION("dedup.retention", "7d", "How long an event_id is remembered to drop duplicates (event time)."),
    TICKET_RETENTION("ticket.state.retention", "30d", "How long a ticket's lifecycle is kept after its last event (event time); a later event starts it afresh."),
    COMPLAINT_LOOKBACK("complaint.lookback", "7d", "How far back (event time) a complaint looks for its delivery's route."),
    PERFECT_ORDER_COMPLAINT_WINDOW("perfect.order.complaint.window", "24h",
            "How long before or after a delivery (event time) a complaint about it spoils a perfect order; a perfect-order window's final waits that long (in whole hours) for the tickets."),
    ROUTE_MIN_DELIVERIES("route.min.deliveries", "5", "Deliveries a route needs in a window to count in its region's correlation and hotspots."),
    ALERT_MIN_SAMPLES("alert.min.samples", "20", "Least denominator of a final hourly KPI for it to be checked against its target."),
    ALERT_FORECAST_HORIZON("alert.forecast.horizon", "3", "Hours ahead the breach forecast looks (Holt's linear trend over the last judged finals); a crossing within them is a PREDICTED alert. 0: no predictions."),
    ALERT_FORECAST_CONFIDENCE("alert.forecast.confidence", "0.9", "One-sided confidence (0.5 to 0.999) with which the forecast must cross the target for a PREDICTED alert."),
    INPUT_MAX_FUTURE("input.max.future", "15m", "How far ahead of the wall clock an event_time may be; later ones go to the DLQ. Keep it at most window.grace."),
    INPUT_MIN_EVENT_TIME("input.min.event.time", "2000-01-01T00:00:00Z", "Earliest event_time accepted (ISO-8601 UTC); earlier ones go to the DLQ."),
    INPUT_MAX_RECORD_BYTES("input.max.record.bytes", "524288", "Largest input record (key + value + headers, bytes) the gate accepts; larger ones go to the DLQ (too_large), and DLQ and late copies are cut to this size. At most the producer's max.request.size minus 64 KiB."),
    INPUT_MAX_REGIONS("input.max.regions", "1000", "Distinct regions each input partition's gate admits (seen within dedup.retention); records of further regions go to the DLQ (too_many_regions)."),
    INPUT_MAX_ROUTES_PER_REGION("input.max.routes.per.region", "2000", "Distinct routes per region each delivery partition's gate admits (seen within dedup.retention); further ones go to the DLQ (too_many_routes)."),
    HTTP_PORT("http.port", "8080", "Port of the /metrics, /health/live and /health/ready endpoints."),
    HTTP_BIND("http.bind", "0.0.0.0", "Address the HTTP endpoints listen on."),
    METRICS_KAFKA_DETAIL("metrics.kafka.detail", "false", "false: `/metrics` exports the Kafka metrics an operator uses (client state, lag per input partition, process and commit rates, end-to-end latency, restore progress, thread state; see Metrics); true: every Kafka client and Streams metric (per task, processor node and store; thousands of series)."),
    CREATE_OUTPUT_TOPICS("create.output.topics", "true", "`run` creates missing output topics with the configs in the Topics section; false: it only checks they exist. Existing output topics are checked either way."),
    OUTPUT_RETENTION("output.retention", "30d", "How long the DLQ, late-events and alerts topics keep a record after it was written (broker time: they are created with LogAppendTime)."),
    ALLOW_DELETION("output.topics.allow-deletion", "", "Output topics (comma-separated names) whose config lets the broker delete records the pipeline needs kept, accepted by the operator: start-up then logs a warning instead of stopping."),
    TOPIC_DELIVERY_EVENTS("topic.delivery-events", "lastmile.delivery-events", "Input: delivery status events."),
    TOPIC_TICKET_EVENTS("topic.ticket-events", "lastmile.ticket-events", "Input: support ticket events."),
    TOPIC_SURVEY_RESPONSES("topic.survey-responses", "lastmile.survey-responses", "Input: survey responses."),
    TOPIC_DLQ("topic.dlq", "lastmile.dlq", "Invalid or undecodable input, with the reason in headers."),
    TOPIC_LATE_EVENTS("topic.late-events", "lastmile.late-events", "Records that arrived after their window closed, unchanged, with headers saying why."),
    TOPIC_KPI_ALERTS("topic.kpi.alerts", "lastmile.kpi.alerts", "Output: alert state changes."),
    TOPIC_KPI_TARGETS("topic.kpi-targets", "lastmile.kpi-targets", "Input (compacted): live overrides of alert targets.");

    /** Prefix of settings passed to the Kafka clients and Streams as they are. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of environment variables: LASTMILE_WINDOW_GRACE sets window.grace. */
    public static final String ENV_PREFIX = "LASTMILE_";

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** LASTMILE_ + the key in upper case with '.' and '-' as '_'. */
    public String envName() {
        return envName(key);
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }
}
