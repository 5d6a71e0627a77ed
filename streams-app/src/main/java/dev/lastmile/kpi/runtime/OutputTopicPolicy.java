package dev.lastmile.kpi.runtime;

import dev.lastmile.kpi.config.PipelineConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The configs that make the broker keep what each output topic's consumers need, and the check of
 * an existing topic against them. Kafka deletes by {@code retention.ms} judged on record
 * timestamps; ours are event times (a backfill writes weeks-old ones), so broker defaults (7 days,
 * CreateTime) delete records minutes after they were written.
 *
 * <ul>
 *   <li>{@link Kind#TABLE} (KPI topics, targets): a consumer needs the latest record of each key (a
 *       closed window's final; a target) for as long as anyone may ask. Compacted, never deleted by
 *       time or size. Timestamps stay as written: nothing judges them.</li>
 *   <li>{@link Kind#LOG} (DLQ, late events, alerts): every record matters, for a bounded time after
 *       it was written. Compaction would keep one record per key (and refuses the null keys a DLQ
 *       record may carry), so time retention, with LogAppendTime: the broker stamps its own clock,
 *       so {@code output.retention} counts from the write. The timestamp the record had stays in
 *       the {@code lastmile.original.timestamp} header (DLQ, late); an alert has its window in its
 *       value. LogAppendTime also spares such records the broker's check that rejects CreateTime
 *       timestamps more than an hour ahead of its clock.</li>
 * </ul>
 */
public final class OutputTopicPolicy {

    /** What an output topic must keep. */
    public enum Kind { TABLE, LOG }

    private OutputTopicPolicy() {
    }

    public static Kind kind(String topic, PipelineConfig config) {
        var t = config.topics();
        return List.of(t.dlq(), t.lateEvents(), t.kpiAlerts()).contains(topic) ? Kind.LOG : Kind.TABLE;
    }

    /** The configs {@code topic} is created with. */
    public static Map<String, String> configs(String topic, PipelineConfig config) {
        return switch (kind(topic, config)) {
            case TABLE -> Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            case LOG -> Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime",
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(config.outputTopics().retention().toMillis()));
        };
    }

    /**
     * Why {@code actual} (the topic's effective config) lets the broker delete records the topic
     * must keep, as one sentence with the fix; empty when it keeps them.
     */
    public static Optional<String> problem(String topic, Map<String, String> actual, PipelineConfig config) {
        List<String> policy = List.of(actual.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "delete")
                .replace(" ", "").split(","));
        String retentionMs = actual.getOrDefault(TopicConfig.RETENTION_MS_CONFIG, "-1");
        String retentionBytes = actual.getOrDefault(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        String timestampType = actual.getOrDefault(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
        String fix = ". Fix: kafka-configs.sh --bootstrap-server " + config.bootstrapServers()
                + " --alter --entity-type topics --entity-name " + topic + " --add-config ";
        String accept = ", or accept it with output.topics.allow-deletion=" + topic + ".";
        boolean deletes = policy.contains(TopicConfig.CLEANUP_POLICY_DELETE);
        if (kind(topic, config) == Kind.TABLE) {
            if (deletes && (!retentionMs.equals("-1") || !retentionBytes.equals("-1"))) {
                return Optional.of("Topic " + topic + " has cleanup.policy=" + String.join(",", policy)
                        + " with retention.ms=" + retentionMs + ", retention.bytes=" + retentionBytes
                        + ": the broker deletes records by age or size, even each key's latest (a closed"
                        + " window's final, a target), and KPI timestamps are event times" + fix
                        + "cleanup.policy=compact" + accept);
            }
            return Optional.empty();
        }
        if (policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            return Optional.of("Topic " + topic + " has cleanup.policy=" + String.join(",", policy)
                    + ": compaction keeps one record per key and drops the others" + fix
                    + "cleanup.policy=delete,message.timestamp.type=LogAppendTime,retention.ms="
                    + config.outputTopics().retention().toMillis() + accept);
        }
        if (deletes && !retentionMs.equals("-1") && !timestampType.equals("LogAppendTime")) {
            return Optional.of("Topic " + topic + " has retention.ms=" + retentionMs + " with message.timestamp.type="
                    + timestampType + ": the broker deletes records whose (event-time) timestamps are older than"
                    + " that minutes after they were written" + fix + "message.timestamp.type=LogAppendTime" + accept);
        }
        return Optional.empty();
    }
}
