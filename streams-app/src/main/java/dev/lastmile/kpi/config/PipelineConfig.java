package dev.lastmile.kpi.config;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The validated, immutable configuration of one pipeline instance. Built only by
 * {@link ConfigLoader}; every command and the topology read it, nothing changes it.
 *
 * @param kafkaProperties client and Streams properties given with the {@code kafka.} prefix
 *                        (prefix removed), e.g. security.protocol, sasl.jaas.config
 * @param kpiUpdateInterval how often open windows emit final=false updates; zero: finals only
 * @param perfectOrderWindow how far before or after a delivery a complaint about it spoils a perfect order
 * @param registryRetryBudget how long a registry call is retried during an outage before the
 *                            stream thread is replaced
 * @param metricsKafkaDetail  export every Kafka client and Streams metric, not only the lean default set
 */
public record PipelineConfig(String applicationId, String bootstrapServers, String schemaRegistryUrl,
                             String schemaRegistryAuth, String stateDir, String processingGuarantee,
                             Duration commitInterval, Duration kpiUpdateInterval, int streamThreads, Duration windowGrace, Duration stallTimeout,
                             Duration markerInterval, Duration dedupRetention, Duration ticketRetention,
                             Duration complaintLookback, Duration perfectOrderWindow, int routeMinDeliveries, int alertMinSamples,
                             int alertForecastHorizon, double alertForecastConfidence,
                             Instant inputMinEventTime, Duration inputMaxFuture, int inputMaxRecordBytes,
                             int inputMaxRegions, int inputMaxRoutesPerRegion, int httpPort, String httpBind,
                             boolean createOutputTopics, TopicNames topics, OutputTopicSettings outputTopics,
                             Map<String, String> kafkaProperties, Duration registryRetryBudget,
                             boolean metricsKafkaDetail) {

    /**
     * How output topics keep their records.
     *
     * @param retention     time retention of the append-only outputs (DLQ, late events, alerts), broker time
     * @param allowDeletion output topics whose record-deleting config the operator accepts
     */
    public record OutputTopicSettings(Duration retention, Set<String> allowDeletion) {
        public OutputTopicSettings {
            allowDeletion = Set.copyOf(allowDeletion);
        }
    }

    public PipelineConfig {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** Properties for {@code new KafkaStreams(topology, props)}. */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.isBlank() ? "unused:9092" : bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        // Start-up fails if any store, changelog or repartition topic has a generated name, so
        // the topology can evolve without orphaning state (KIP-1111).
        p.put("ensure.explicit.internal.resource.naming", "true");
        // Unexpected processing errors fail the task rather than skip a record (nothing silently
        // dropped); the setting only makes that behaviour uniform across thread types (KIP-1033).
        p.put("processing.exception.handler.global.enabled", "true");
        // Streams' partition assignor builds its own StreamsConfig from the main consumer's
        // configuration, which leaves the setting above out and so logs a WARN that it is off.
        p.put("main.consumer.processing.exception.handler.global.enabled", "true");
        // Failover: a dead instance's tasks move after the session timeout (45 s by default).
        // Standby replicas (kafka.num.standby.replicas=1) make the survivor resume warm; they are
        // not the default because a single instance cannot place them and warns on every rebalance.
        p.put("session.timeout.ms", "15000");
        p.putAll(kafkaProperties);
        return p;
    }

    /** Kafka client properties for plain producers, consumers and admin clients (simulator, checks). */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        kafkaProperties.forEach((k, v) -> {
            if (!k.startsWith("producer.") && !k.startsWith("consumer.") && !k.startsWith("admin.")) {
                p.put(k, v);
            }
        });
        return p;
    }
}
