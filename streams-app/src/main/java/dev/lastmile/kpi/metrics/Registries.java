package dev.lastmile.kpi.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.regex.Pattern;

/** The Prometheus registry of a running pipeline, with JVM and process metrics bound. */
public final class Registries {

    /**
     * Keeps every exported meter within Prometheus conventions as {@code promtool check metrics}
     * checks them, whatever a library registers: a meter in nanoseconds or milliseconds (some Kafka
     * client internals, process CPU time) is left out rather than exported under a wrong unit; so is
     * a gauge named "*.count" (Prometheus reserves the suffix for histograms; renaming it instead
     * makes the Kafka binder re-register it every minute), and a meter without help text.
     */
    static final MeterFilter PROMETHEUS_CONVENTIONS = new MeterFilter() {
        private static final Set<String> ABBREVIATED_UNITS = Set.of("ns", "ms");

        @Override
        public MeterFilterReply accept(Meter.Id id) {
            boolean noHelp = id.getDescription() == null || id.getDescription().isBlank();
            boolean abbreviated = id.getBaseUnit() != null && ABBREVIATED_UNITS.contains(id.getBaseUnit())
                    || Arrays.stream(id.getName().split("[.\\-_]")).anyMatch(ABBREVIATED_UNITS::contains);
            boolean countGauge = id.getType() != Meter.Type.COUNTER
                    && (id.getName().endsWith(".count") || id.getName().endsWith("-count"));
            return noHelp || abbreviated || countGauge ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }
    };

    /** Kafka client and Streams metrics kept at the default settings (Micrometer names). */
    private static final Set<String> LEAN_KAFKA = Set.of(
            // thread level: throughput and state
            "kafka.stream.thread.process.rate", "kafka.stream.thread.process.total",
            "kafka.stream.thread.commit.rate", "kafka.stream.thread.commit.total",
            "kafka.stream.thread.poll.rate", "kafka.stream.thread.thread.state",
            "kafka.stream.thread.thread.start.time",
            // end-to-end latency at the source and terminal nodes (the max: the avg doubles the series)
            "kafka.stream.processor.node.record.e2e.latency.max",
            // restore progress: records left to restore per task
            "kafka.stream.task.restore.remaining.records.total",
            // consumer lag
            "kafka.consumer.fetch.manager.records.lag", "kafka.consumer.fetch.manager.records.lag.max");
    /** Tags of Kafka Streams metrics below the client level. */
    private static final Set<String> BELOW_CLIENT = Set.of("thread.id", "task.id", "processor.node.id",
            "record.cache.id", "topic", "partition");
    private static final Pattern STREAM_THREAD_CONSUMER =
            Pattern.compile(".*-StreamThread-[0-9]+-consumer");

    /**
     * The Kafka metrics an operator uses, unless {@code metrics.kafka.detail} asks for all: Streams
     * client-level metrics; per stream thread its process, commit and poll rates and its state; the
     * end-to-end latency (max) of the processor nodes that record it (sources and terminals); per
     * task the records it has left to restore; the stream threads' consumer lag (and its max) per input topic partition. The per-partition lag is exported once: the consumer registers each partition's
     * metrics twice, under the topic name and under it with '.' as '_' (KIP-1109), and only the
     * first names an input topic. Everything else from Kafka (per task, processor node, store,
     * record cache; producer, admin and restore consumer internals) is left out; JVM, process and
     * lastmile meters all pass.
     */
    static MeterFilter leanKafka(Collection<String> inputTopics) {
        Set<String> inputs = Set.copyOf(inputTopics);
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                String name = id.getName();
                if (!name.startsWith("kafka.")) {
                    return MeterFilterReply.NEUTRAL;
                }
                boolean clientLevel = name.startsWith("kafka.stream.")
                        && id.getTags().stream().noneMatch(t -> BELOW_CLIENT.contains(t.getKey()));
                if (clientLevel) {
                    return MeterFilterReply.NEUTRAL;
                }
                if (!LEAN_KAFKA.contains(name)) {
                    return MeterFilterReply.DENY;
                }
                if (name.startsWith("kafka.consumer.")) {
                    String client = id.getTag("client.id");
                    String topic = id.getTag("topic");
                    boolean streamThread = client != null && STREAM_THREAD_CONSUMER.matcher(client).matches();
                    // Per partition only: the client-wide records-lag-max has other labels under the
                    // same name, which Prometheus refuses once the per-partition one is bound.
                    boolean ok = topic != null && inputs.contains(topic); // Set.copyOf: no nulls
                    return streamThread && ok ? MeterFilterReply.NEUTRAL : MeterFilterReply.DENY;
                }
                return MeterFilterReply.NEUTRAL;
            }
        };
    }

    private Registries() {
    }

    /**
     * @param kafkaDetail every Kafka metric ({@code metrics.kafka.detail=true}) or the lean set
     * @param inputTopics the input topics whose partitions' consumer lag the lean set exports
     */
    public static PrometheusMeterRegistry prometheus(boolean kafkaDetail, Collection<String> inputTopics) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(PROMETHEUS_CONVENTIONS);
        if (!kafkaDetail) {
            registry.config().meterFilter(leanKafka(inputTopics));
        }
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // Lives as long as the registry: it only listens to GC notifications.
        new JvmGcMetrics().bindTo(registry);
        return registry;
    }
}
