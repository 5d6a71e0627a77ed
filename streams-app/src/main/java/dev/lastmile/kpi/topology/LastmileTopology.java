package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.kpi.DeliveryCounts;
import dev.lastmile.kpi.kpi.Validation;
import dev.lastmile.kpi.serde.SpecificAvroDeserializer;
import dev.lastmile.kpi.watermark.Envelope;
import dev.lastmile.kpi.watermark.EnvelopeSerde;
import dev.lastmile.kpi.watermark.MarkerPartitioner;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The one topology of lastmile-kpi. {@code run}, {@code demo}, {@code replay} and every test
 * build it here; nothing else assembles processors.
 *
 * <pre>
 * input topic (bytes) -> gate: decode, validate, dedup, progress markers ---> DLQ
 *   deliveries: terminal events keyed by region -> repartition "delivery-kpi-by-region"
 *     (markers to every partition) -> hourly buckets + watermark -> KPI topic / late-events
 * </pre>
 * Every processor, store and internal topic has an explicit name, so the topology can change
 * without orphaning state.
 */
public final class LastmileTopology {

    private LastmileTopology() {
    }

    public static Topology build(PipelineConfig config, TopologyOptions options) {
        StreamsBuilder builder = new StreamsBuilder();
        Topics topics = Topics.of(config.topics(), options.registry());

        KStream<String, Gated<DeliveryEvent>> deliveries = gate(builder, config, options, topics,
                new InputSpec<>("delivery", topics.deliveryEvents().name(),
                        new SpecificAvroDeserializer<>(DeliveryEvent.getClassSchema(), options.registry()),
                        Validation::delivery, DeliveryEvent::getEventId, e -> e.getEventTime().toEpochMilli()));
        // Tickets and surveys are validated and de-duplicated here; their KPIs build on these streams.
        gate(builder, config, options, topics,
                new InputSpec<>("ticket", topics.ticketEvents().name(),
                        new SpecificAvroDeserializer<>(TicketEvent.getClassSchema(), options.registry()),
                        Validation::ticket, TicketEvent::getEventId, e -> e.getEventTime().toEpochMilli()));
        gate(builder, config, options, topics,
                new InputSpec<>("survey", topics.surveyResponses().name(),
                        new SpecificAvroDeserializer<>(SurveyResponse.getClassSchema(), options.registry()),
                        Validation::survey, SurveyResponse::getEventId, e -> e.getEventTime().toEpochMilli()));

        KStream<String, Envelope> terminalByRegion = deliveries
                .filter((k, v) -> !(v instanceof Gated.Accepted<DeliveryEvent> a)
                        || DeliveryCounts.isTerminal(a.event().getStatus()), Named.as("delivery-kpi-terminal-only"))
                .map((k, v) -> v instanceof Gated.Accepted<DeliveryEvent> a
                        ? KeyValue.pair(a.event().getRegion(), (Envelope) a.envelope())
                        : KeyValue.pair(k, (Envelope) ((Gated.Progress<DeliveryEvent>) v).marker()),
                        Named.as("delivery-kpi-key-by-region"));
        windowed(builder, config, options, topics, repartition(terminalByRegion, DeliveryKpiWindows.NAME + "-by-region"),
                new DeliveryKpiWindows(new SpecificAvroDeserializer<>(DeliveryEvent.getClassSchema(), options.registry())),
                topics.kpiDelivery(), Set.of(topics.deliveryEvents().name()));
        return builder.build();
    }

    /** Decode, validate, de-duplicate; rejected records to the DLQ; returns accepted records and markers. */
    private static <E> KStream<String, Gated<E>> gate(StreamsBuilder builder, PipelineConfig config,
                                                      TopologyOptions options, Topics topics, InputSpec<E> spec) {
        String dedupStore = spec.name() + "-dedup";
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(dedupStore, config.dedupRetention(), Duration.ofMillis(1), false),
                Serdes.String(), Serdes.Long()));
        KStream<String, Gated<E>> gated = builder
                .stream(spec.topic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName(spec.name() + "-source"))
                .process(() -> new InputGate<>(spec, dedupStore, config.dedupRetention(), config.markerInterval(),
                        config.commitInterval(), options.honourEndOfInput(), options.metrics()),
                        Named.as(spec.name() + "-gate"), dedupStore);
        Map<String, KStream<String, Gated<E>>> branches = gated.split(Named.as(spec.name() + "-"))
                .branch((k, v) -> v instanceof Gated.Rejected<E>, Branched.withConsumer(rejected -> rejected
                        .map((k, v) -> KeyValue.pair(((Gated.Rejected<E>) v).rawKey(), ((Gated.Rejected<E>) v).rawValue()),
                                Named.as(spec.name() + "-dlq-record"))
                        .to(topics.dlq().name(), topics.dlq().produced(spec.name() + "-dlq-sink")), "dlq"))
                .defaultBranch(Branched.as("accepted"));
        return branches.get(spec.name() + "-accepted");
    }

    private static KStream<String, Envelope> repartition(KStream<String, Envelope> stream, String name) {
        return stream.repartition(Repartitioned.<String, Envelope>as(name)
                .withKeySerde(Serdes.String()).withValueSerde(new EnvelopeSerde())
                .withStreamPartitioner(new MarkerPartitioner<>()));
    }

    /** Windows, watermark and emission of one KPI family; late records to the late-events topic. */
    private static <E, A, OUT> void windowed(StreamsBuilder builder, PipelineConfig config, TopologyOptions options,
                                             Topics topics, KStream<String, Envelope> keyed,
                                             WindowedKpi<E, A, OUT> kpi, Topic<String, OUT> output,
                                             Set<String> inputTopics) {
        String bucketStore = WindowedKpiProcessor.bucketStore(kpi.name());
        String progressStore = WindowedKpiProcessor.progressStore(kpi.name());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(bucketStore),
                Serdes.Bytes(), kpi.aggregateSerde()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(progressStore),
                Serdes.String(), Serdes.Long()));
        Set<String> sources = inputTopics.stream()
                .flatMap(t -> IntStream.range(0, options.partitionsOf(t)).mapToObj(p -> Envelope.source(t, p)))
                .collect(Collectors.toUnmodifiableSet());
        keyed.process(() -> new WindowedKpiProcessor<>(kpi, config.windowGrace(), config.idleTimeout(),
                                config.commitInterval(), sources, options.metrics()),
                        Named.as(kpi.name() + "-windows"), bucketStore, progressStore)
                .split(Named.as(kpi.name() + "-"))
                .branch((k, v) -> v instanceof WindowOutput.Late<OUT>, Branched.withConsumer(late -> late
                        .map((k, v) -> KeyValue.pair(((WindowOutput.Late<OUT>) v).rawKey(),
                                ((WindowOutput.Late<OUT>) v).rawValue()), Named.as(kpi.name() + "-late-record"))
                        .to(topics.lateEvents().name(), topics.lateEvents().produced(kpi.name() + "-late-sink")),
                        "late"))
                .defaultBranch(Branched.withConsumer(kpis -> kpis
                        .mapValues(v -> ((WindowOutput.Kpi<OUT>) v).value(), Named.as(kpi.name() + "-record"))
                        .to(output.name(), output.produced(kpi.name() + "-sink")), "kpi"));
    }
}
