package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.kpi.AlertRules;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
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
 * each input (bytes) -> gate: decode, validate, dedup, progress markers ------------> DLQ
 * deliveries: terminal events by region --------------------------> delivery KPI windows
 * surveys: by region ---------------------------------------------> experience KPI windows
 * tickets: lifecycle per ticket -> facts by region ----------------> support KPI windows
 *                               -> complaints by delivery_id -+
 * deliveries ----------------------------------------------------+-> complaint join (route)
 *                                            -> by region -> route-complaint windows (+ REGION)
 * every KPI window stage: hourly buckets + watermark -> KPI topic / late-events
 * </pre>
 * Every repartition carries progress markers to all its partitions, so each window stage closes
 * windows by the event-time progress of every input partition that feeds it.
 * Every processor, store and internal topic has an explicit name, so the topology can change
 * without orphaning state.
 */
public final class LastmileTopology {

    private LastmileTopology() {
    }

    public static Topology build(PipelineConfig config, TopologyOptions options) {
        // The builder gets the same config as the client, so topology-level settings apply.
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(config.streamsProperties())));
        Topics topics = Topics.of(config.topics(), options.registry());
        String deliveryTopic = topics.deliveryEvents().name();
        String ticketTopic = topics.ticketEvents().name();
        String surveyTopic = topics.surveyResponses().name();
        SpecificAvroDeserializer<DeliveryEvent> deliveryDecoder =
                new SpecificAvroDeserializer<>(DeliveryEvent.getClassSchema(), options.registry());
        SpecificAvroDeserializer<SurveyResponse> surveyDecoder =
                new SpecificAvroDeserializer<>(SurveyResponse.getClassSchema(), options.registry());

        Map<String, KStream<String, LateVerdict>> late = new LinkedHashMap<>();
        Validation rules = new Validation(new Validation.Limits(config.inputMinEventTime(), config.inputMaxFuture()));
        KStream<String, Gated<DeliveryEvent>> deliveries = gate(builder, config, options, topics,
                new InputSpec<>("delivery", deliveryTopic, deliveryDecoder,
                        rules::delivery, DeliveryEvent::getEventId, e -> e.getEventTime().toEpochMilli(),
                        DeliveryEvent::getRegion, DeliveryEvent::getRouteId,
                        e -> DeliveryCounts.isTerminal(e.getStatus())
                                ? DeliveryKpiWindows.NAME + "," + RouteComplaintWindows.NAME + "," + PerfectOrderWindows.NAME : null));
        KStream<String, Gated<TicketEvent>> tickets = gate(builder, config, options, topics,
                new InputSpec<>("ticket", ticketTopic,
                        new SpecificAvroDeserializer<>(TicketEvent.getClassSchema(), options.registry()),
                        rules::ticket, TicketEvent::getEventId, e -> e.getEventTime().toEpochMilli(),
                        TicketEvent::getRegion, e -> null, e -> ""));
        KStream<String, Gated<SurveyResponse>> surveys = gate(builder, config, options, topics,
                new InputSpec<>("survey", surveyTopic, surveyDecoder,
                        rules::survey, SurveyResponse::getEventId, e -> e.getEventTime().toEpochMilli(),
                        SurveyResponse::getRegion, e -> null, e -> ExperienceKpiWindows.NAME));

        // Delivery KPIs: terminal events by region.
        KStream<String, Envelope> terminalByRegion = deliveries
                .filter((k, v) -> !(v instanceof Gated.Accepted<DeliveryEvent> a)
                        || DeliveryCounts.isTerminal(a.event().getStatus()), Named.as("delivery-kpi-terminal-only"))
                .map((k, v) -> rekey(k, v, DeliveryEvent::getRegion), Named.as("delivery-kpi-key-by-region"));
        // Alert targets: a global store every task reads, fed by the compacted targets topic.
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AlertProcessor.TARGETS_STORE),
                        Serdes.String(), Serdes.String()).withLoggingDisabled(), config.topics().kpiTargets(),
                Consumed.with(Serdes.String(), Serdes.String()).withName("kpi-targets-source"),
                () -> new TargetsLoader(options.metrics()));

        windowed(builder, config, options, topics, repartition(terminalByRegion, DeliveryKpiWindows.NAME + "-by-region", 0),
                new DeliveryKpiWindows(deliveryDecoder), sources(deliveryTopic, options), late);

        // Experience KPIs: survey responses by region.
        KStream<String, Envelope> surveysByRegion = surveys.map((k, v) -> rekey(k, v, SurveyResponse::getRegion),
                Named.as("experience-kpi-key-by-region"));
        windowed(builder, config, options, topics, repartition(surveysByRegion, ExperienceKpiWindows.NAME + "-by-region", 0),
                new ExperienceKpiWindows(surveyDecoder), sources(surveyTopic, options), late);

        // Support KPIs: each ticket's lifecycle, then its facts by region.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TicketLifecycleProcessor.STORE), Serdes.String(),
                TicketLifecycleProcessor.serde()).withCachingEnabled());
        KStream<String, TicketOutput> lifecycle = tickets.process(
                () -> new TicketLifecycleProcessor(config.ticketRetention()), Named.as("ticket-lifecycle"),
                TicketLifecycleProcessor.STORE);
        KStream<String, Envelope> supportFacts = lifecycle
                .filter((k, v) -> !(v instanceof TicketOutput.Complaint), Named.as("support-kpi-facts"))
                .mapValues(TicketOutput::envelope, Named.as("support-kpi-envelope"));
        windowed(builder, config, options, topics, repartition(supportFacts, SupportKpiWindows.NAME + "-by-region", 0),
                new SupportKpiWindows(), sources(ticketTopic, options), late);

        // Route delay / complaints: complaints joined to their delivery's route, with the route deliveries.
        int deliveryPartitions = options.partitionsOf(deliveryTopic);
        KStream<String, Envelope> complaints = lifecycle
                .filter((k, v) -> !(v instanceof TicketOutput.Fact), Named.as("complaints"))
                .mapValues(TicketOutput::envelope, Named.as("complaint-envelope"));
        KStream<String, AttributionInput> complaintsByDelivery = repartition(complaints, "complaints-by-delivery",
                deliveryPartitions).mapValues(AttributionInput::complaint, Named.as("complaint-join-complaints"));
        KStream<String, AttributionInput> deliveriesForJoin = deliveries.mapValues(AttributionInput::delivery,
                Named.as("complaint-join-deliveries"));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                ComplaintAttributionProcessor.ROUTES_STORE), Serdes.String(),
                ComplaintAttributionProcessor.RouteRef.serde()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                ComplaintAttributionProcessor.PENDING_STORE), Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                ComplaintAttributionProcessor.PROGRESS_STORE), Serdes.String(), Serdes.Long()));
        Set<String> ticketSources = sources(ticketTopic, options);
        KStream<String, AttributionInput> joinInputs = deliveriesForJoin
                .merge(complaintsByDelivery, Named.as("complaint-join-inputs"));
        KStream<String, Envelope> routeObservations = joinInputs
                .process(() -> new ComplaintAttributionProcessor(Timings.of(config), ticketSources,
                                options.metrics().watermarks()),
                        Named.as(ComplaintAttributionProcessor.NAME), ComplaintAttributionProcessor.ROUTES_STORE,
                        ComplaintAttributionProcessor.PENDING_STORE, ComplaintAttributionProcessor.PROGRESS_STORE);
        Set<String> routeSources = new TreeSet<>(sources(deliveryTopic, options));
        IntStream.range(0, deliveryPartitions).forEach(p ->
                routeSources.add(JoinProgress.source(ComplaintAttributionProcessor.NAME, p)));
        windowed(builder, config, options, topics, repartition(routeObservations, RouteComplaintWindows.NAME + "-by-region", 0),
                new RouteComplaintWindows(config.routeMinDeliveries()), routeSources, late);

        // Perfect orders: each terminal delivery judged against the complaints about it, on the join's input.
        perfectOrders(builder, config, options, topics, joinInputs, ticketSources, sources(deliveryTopic, options),
                deliveryPartitions, late);

        // One late copy per input record, naming every family that missed it (see LateCollector).
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LateCollector.STORE),
                Serdes.String(), Serdes.ByteArray()));
        // Repartitioned only now, after every other stage: the new sub-topology comes last, so the
        // existing ones keep their numbers (task ids, and with them the state directories).
        KStream<String, LateVerdict> verdicts = null;
        int merged = 0;
        for (Map.Entry<String, KStream<String, LateVerdict>> family : late.entrySet()) {
            KStream<String, LateVerdict> byRecord = family.getValue().repartition(Repartitioned
                    .<String, LateVerdict>as(family.getKey() + "-late-verdicts").withKeySerde(Serdes.String())
                    .withValueSerde(new LateVerdict.VerdictSerde())
                    // The same count for every family: one record's verdicts meet in one task.
                    .withNumberOfPartitions(deliveryPartitions));
            verdicts = verdicts == null ? byRecord : verdicts.merge(byRecord, Named.as("late-verdicts-merge-" + ++merged));
        }
        verdicts.process(() -> new LateCollector(config.inputMaxRecordBytes(), config.windowGrace(), options.metrics()),
                        Named.as("late-copies"), LateCollector.STORE)
                .processValues(OriginalTimestamp::new, Named.as("late-copies-timestamp"))
                .to(topics.lateEvents().name(), topics.lateEvents().produced("late-copies-sink"));
        return builder.build();
    }

    /** The perfect-order join and its windows; the join's verdicts on late complaints go to the collector too. */
    private static void perfectOrders(StreamsBuilder builder, PipelineConfig config, TopologyOptions options,
                                      Topics topics, KStream<String, AttributionInput> joinInputs,
                                      Set<String> ticketSources, Set<String> deliverySources, int deliveryPartitions,
                                      Map<String, KStream<String, LateVerdict>> late) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                PerfectOrderProcessor.CANDIDATES_STORE), Serdes.String(),
                PerfectOrderState.Candidates.serde()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                PerfectOrderProcessor.COMPLAINTS_STORE), Serdes.String(),
                PerfectOrderState.ComplaintTimes.serde()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                PerfectOrderProcessor.PROGRESS_STORE), Serdes.String(), Serdes.Long()));
        Map<String, KStream<String, JoinOutput>> joined = joinInputs
                .process(() -> new PerfectOrderProcessor(Timings.of(config), ticketSources, options.metrics().watermarks()),
                        Named.as(PerfectOrderProcessor.NAME), PerfectOrderProcessor.CANDIDATES_STORE,
                        PerfectOrderProcessor.COMPLAINTS_STORE, PerfectOrderProcessor.PROGRESS_STORE)
                .split(Named.as(PerfectOrderProcessor.NAME + "-"))
                .branch((k, v) -> v instanceof JoinOutput.Late, Branched.as("late"))
                .defaultBranch(Branched.as("observations"));
        KStream<String, Envelope> observations = joined.get(PerfectOrderProcessor.NAME + "-observations")
                .mapValues(v -> v instanceof JoinOutput.Forward f ? f.envelope() : unexpected(v),
                        Named.as(PerfectOrderProcessor.NAME + "-envelope"));
        KStream<String, LateVerdict> joinVerdicts = joined.get(PerfectOrderProcessor.NAME + "-late")
                .map((k, v) -> v instanceof JoinOutput.Late l ? KeyValue.pair(l.verdict().origin(), l.verdict())
                        : unexpected(v), Named.as(PerfectOrderProcessor.NAME + "-late-verdict"));
        Set<String> sources = new TreeSet<>(deliverySources);
        IntStream.range(0, deliveryPartitions).forEach(p -> sources.add(JoinProgress.source(PerfectOrderProcessor.NAME, p)));
        windowed(builder, config, options, topics, repartition(observations, PerfectOrderWindows.NAME + "-by-region", 0),
                new PerfectOrderWindows(), sources, late);
        // Its own repartition: merged here, the join's task and the windows' task would become one sub-topology.
        late.put(PerfectOrderProcessor.NAME, joinVerdicts);
    }

    /** An accepted event under the key {@code keyOf} gives it, a progress marker under its own key. */
    private static <E> KeyValue<String, Envelope> rekey(String key, Gated<E> gated, Function<E, String> keyOf) {
        if (gated instanceof Gated.Accepted<E> a) {
            return KeyValue.pair(keyOf.apply(a.event()), a.envelope());
        }
        if (gated instanceof Gated.Progress<E> p) {
            return KeyValue.pair(key, p.marker());
        }
        return unexpected(gated);
    }

    /** What a branch or filter upstream should have kept out: a bug in the topology, not in the data. */
    private static <T> T unexpected(Object value) {
        throw new IllegalStateException("Unexpected " + value.getClass().getSimpleName() + " past its branch");
    }

    /** Every partition of an input topic, as watermark sources. */
    private static Set<String> sources(String topic, TopologyOptions options) {
        return IntStream.range(0, options.partitionsOf(topic)).mapToObj(p -> Envelope.source(topic, p))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Decode, validate, de-duplicate; rejected records to the DLQ; returns accepted records and markers. */
    private static <E> KStream<String, Gated<E>> gate(StreamsBuilder builder, PipelineConfig config,
                                                      TopologyOptions options, Topics topics, InputSpec<E> spec) {
        String dedupStore = spec.name() + "-dedup";
        // A window store's changelog is compact,delete with retention.ms = dedup.retention + 1 day,
        // judged by record timestamps: ours are event times, so in a backfill of data older than that
        // the broker deleted the entries at once, and a restored store forgot which events it had
        // seen (duplicates counted twice). With LogAppendTime an entry stays that long after it was
        // written; the store itself still expires entries by event time (also while restoring,
        // from the window time in the changelog key), so restoration yields what the store held.
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(dedupStore, config.dedupRetention(), Duration.ofMillis(1), false),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(Map.of("message.timestamp.type", "LogAppendTime")));
        String knownStore = spec.name() + "-known-keys";
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(knownStore),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        KStream<String, Gated<E>> gated = builder
                .stream(spec.topic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName(spec.name() + "-source"))
                .process(() -> new InputGate<>(spec, dedupStore, Timings.of(config), options.honourEndOfInput(),
                        options.metrics(), options.catchUp(), options.eventClock(), GateLimits.of(config)),
                        Named.as(spec.name() + "-gate"), dedupStore, knownStore);
        Map<String, KStream<String, Gated<E>>> branches = gated.split(Named.as(spec.name() + "-"))
                .branch((k, v) -> v instanceof Gated.Rejected<E>, Branched.withConsumer(rejected -> rejected
                        .map((k, v) -> v instanceof Gated.Rejected<E> r ? KeyValue.pair(r.rawKey(), r.rawValue())
                                : unexpected(v), Named.as(spec.name() + "-dlq-record"))
                        .processValues(OriginalTimestamp::new, Named.as(spec.name() + "-dlq-timestamp"))
                        .to(topics.dlq().name(), topics.dlq().produced(spec.name() + "-dlq-sink")), "dlq"))
                .defaultBranch(Branched.as("accepted"));
        return branches.get(spec.name() + "-accepted");
    }

    /** Re-keyed records to the partition of their key, markers to every partition; 0 partitions: Streams decides. */
    private static KStream<String, Envelope> repartition(KStream<String, Envelope> stream, String name,
                                                         int partitions) {
        Repartitioned<String, Envelope> how = Repartitioned.<String, Envelope>as(name)
                .withKeySerde(Serdes.String()).withValueSerde(new EnvelopeSerde())
                .withStreamPartitioner(new MarkerPartitioner<>());
        return stream.repartition(partitions > 0 ? how.withNumberOfPartitions(partitions) : how);
    }

    /**
     * Windows, watermark and emission of one KPI family to its output topic, and its alerts if it declares
     * any; late records to the late-events topic.
     */
    private static <E, A, OUT extends SpecificRecord> void windowed(StreamsBuilder builder, PipelineConfig config,
                                                                    TopologyOptions options, Topics topics,
                                                                    KStream<String, Envelope> keyed,
                                                                    WindowedKpi<E, A, OUT> kpi, Set<String> sources,
                                                                    Map<String, KStream<String, LateVerdict>> late) {
        String bucketStore = WindowedKpiProcessor.bucketStore(kpi.name());
        String progressStore = WindowedKpiProcessor.progressStore(kpi.name());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(bucketStore),
                Serdes.Bytes(), kpi.aggregateSerde()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(progressStore),
                Serdes.String(), Serdes.Long()));
        Map<String, KStream<String, WindowOutput<OUT>>> branches = keyed
                .process(() -> new WindowedKpiProcessor<>(kpi, Timings.of(config), sources, options.metrics()),
                        Named.as(kpi.name() + "-windows"), bucketStore, progressStore)
                .split(Named.as(kpi.name() + "-"))
                .branch((k, v) -> v instanceof WindowOutput.Late<OUT>, Branched.withConsumer(verdicts -> late.put(kpi.name(),
                        verdicts.map((k, v) -> v instanceof WindowOutput.Late<OUT> l
                                ? KeyValue.pair(l.verdict().origin(), l.verdict()) : unexpected(v),
                                Named.as(kpi.name() + "-late-verdict"))),
                        "late"))
                .defaultBranch(Branched.as("kpi"));
        KStream<String, OUT> kpis = branches.get(kpi.name() + "-kpi")
                .mapValues(v -> v instanceof WindowOutput.Kpi<OUT> r ? r.value() : unexpected(v),
                        Named.as(kpi.name() + "-record"))
                .processValues(() -> new KpiGaugesProcessor<OUT>(options.metrics()), Named.as(kpi.name() + "-gauges"));
        Topic<String, OUT> output = topics.kpi(kpi.family());
        kpis.to(output.name(), output.produced(kpi.name() + "-sink"));
        kpi.family().alerts().ifPresent(observations ->
                alerts(builder, config, options, topics, kpi.name(), kpis, observations));
    }

    /** Final hourly region KPIs against their targets; changes of state to the alerts topic. */
    private static <OUT> void alerts(StreamsBuilder builder, PipelineConfig config, TopologyOptions options,
                                     Topics topics, String name, KStream<String, OUT> kpis,
                                     Function<OUT, List<AlertRules.Observation>> observations) {
        String stateStore = name + "-alert-state";
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(stateStore),
                Serdes.String(), Serdes.String()));
        kpis.process(() -> new AlertProcessor<>(stateStore, observations, config.alertMinSamples(),
                        new AlertRules.Forecasting(config.alertForecastHorizon(), config.alertForecastConfidence()),
                        options.metrics()),
                        Named.as(name + "-alerts"), stateStore)
                .to(topics.kpiAlerts().name(), topics.kpiAlerts().produced(name + "-alerts-sink"));
    }
}
