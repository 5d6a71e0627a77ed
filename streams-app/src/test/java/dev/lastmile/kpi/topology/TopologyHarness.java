package dev.lastmile.kpi.topology;

import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.avro.DeliveryStatus;
import dev.lastmile.kpi.avro.ExperienceKpi;
import dev.lastmile.kpi.avro.KpiAlert;
import dev.lastmile.kpi.avro.PerfectOrderKpi;
import dev.lastmile.kpi.avro.RouteComplaintKpi;
import dev.lastmile.kpi.avro.SupportKpi;
import dev.lastmile.kpi.avro.SurveyKind;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketCategory;
import dev.lastmile.kpi.avro.TicketChannel;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.avro.TicketEventType;
import dev.lastmile.kpi.avro.WindowKind;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The production topology in a TopologyTestDriver, with a fixed wall clock, its own mock://
 * registry scope and state directory, so tests are isolated and can run in parallel.
 */
final class TopologyHarness implements AutoCloseable {

    /** After every event the tests send (up to "+2 12:00"), as in production: events are not ahead of the clock. */
    static final Instant WALL_CLOCK = Instant.parse("2026-11-05T00:00:00Z");

    final PipelineConfig config;
    final PipelineMetrics metrics = PipelineMetrics.inMemory();
    final TopologyTestDriver driver;
    final Topics topics;
    final TestInputTopic<String, DeliveryEvent> deliveries;
    final TestInputTopic<byte[], byte[]> rawDeliveries;
    final TestOutputTopic<String, DeliveryKpi> deliveryKpis;
    final TestInputTopic<String, TicketEvent> tickets;
    final TestInputTopic<String, SurveyResponse> surveys;
    final TestOutputTopic<String, SupportKpi> supportKpis;
    final TestOutputTopic<String, ExperienceKpi> experienceKpis;
    final TestOutputTopic<String, RouteComplaintKpi> routeKpis;
    final TestOutputTopic<String, PerfectOrderKpi> perfectOrderKpis;
    final TestOutputTopic<String, KpiAlert> alerts;
    final TestInputTopic<String, String> targets;
    final TestOutputTopic<byte[], byte[]> dlq;
    final TestOutputTopic<byte[], byte[]> late;
    private final String scope = "topology-test-" + UUID.randomUUID();
    private final Path stateDir;

    TopologyHarness() {
        this(Map.of());
    }

    TopologyHarness(Map<String, String> overrides) {
        this(overrides, Map.of());
    }

    /** {@code partitions}: partition counts of input topics (default 1); only partition 0 is fed. */
    TopologyHarness(Map<String, String> overrides, Map<String, Integer> partitions) {
        try {
            stateDir = Files.createTempDirectory("lastmile-ttd-");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> settings = new HashMap<>(Map.of("state.dir", stateDir.toString(),
                "schema.registry.url", "mock://" + scope, "application.id", "lastmile-kpi-test"));
        settings.putAll(overrides);
        config = ConfigLoader.defaults().overrides(settings).load();
        SchemaRegistryClient registry = MockSchemaRegistry.forScope(scope);
        topics = Topics.of(config.topics(), registry);
        TopologyOptions options = new TopologyOptions(registry, metrics, partitions, false);
        driver = new TopologyTestDriver(LastmileTopology.build(config, options), config.streamsProperties(), WALL_CLOCK);
        deliveries = driver.createInputTopic(topics.deliveryEvents().name(), Serdes.String().serializer(),
                topics.deliveryEvents().valueSerde().serializer());
        rawDeliveries = driver.createInputTopic(topics.deliveryEvents().name(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
        deliveryKpis = driver.createOutputTopic(topics.kpi(KpiFamilies.DELIVERY).name(), Serdes.String().deserializer(),
                topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer());
        tickets = driver.createInputTopic(topics.ticketEvents().name(), Serdes.String().serializer(),
                topics.ticketEvents().valueSerde().serializer());
        surveys = driver.createInputTopic(topics.surveyResponses().name(), Serdes.String().serializer(),
                topics.surveyResponses().valueSerde().serializer());
        supportKpis = driver.createOutputTopic(topics.kpi(KpiFamilies.SUPPORT).name(), Serdes.String().deserializer(),
                topics.kpi(KpiFamilies.SUPPORT).valueSerde().deserializer());
        experienceKpis = driver.createOutputTopic(topics.kpi(KpiFamilies.EXPERIENCE).name(), Serdes.String().deserializer(),
                topics.kpi(KpiFamilies.EXPERIENCE).valueSerde().deserializer());
        routeKpis = driver.createOutputTopic(topics.kpi(KpiFamilies.ROUTE_COMPLAINTS).name(), Serdes.String().deserializer(),
                topics.kpi(KpiFamilies.ROUTE_COMPLAINTS).valueSerde().deserializer());
        perfectOrderKpis = driver.createOutputTopic(topics.kpi(KpiFamilies.PERFECT_ORDER).name(),
                Serdes.String().deserializer(), topics.kpi(KpiFamilies.PERFECT_ORDER).valueSerde().deserializer());
        alerts = driver.createOutputTopic(topics.kpiAlerts().name(), Serdes.String().deserializer(),
                topics.kpiAlerts().valueSerde().deserializer());
        targets = driver.createInputTopic(config.topics().kpiTargets(), Serdes.String().serializer(),
                Serdes.String().serializer());
        dlq = driver.createOutputTopic(topics.dlq().name(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
        late = driver.createOutputTopic(topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    private static int counter;

    /** A terminal or non-terminal delivery event; times as "HH:mm" on 2026-11-02 UTC. */
    static DeliveryEvent delivery(String eventId, String region, DeliveryStatus status, String at, String promised,
                                  long costCents) {
        return DeliveryEvent.newBuilder().setEventId(eventId).setDeliveryId("d-" + eventId)
                .setRouteId("r-" + region + "-1").setDriverId("drv-1").setRegion(region).setStatus(status)
                .setEventTime(at(at)).setPromisedBy(promised == null ? null : at(promised)).setCostCents(costCents)
                .build();
    }

    /** "08:15" is 2026-11-02T08:15:00Z; "+1 08:15" the day after, "+2 08:15" two days after. */
    static Instant at(String time) {
        if (time.startsWith("+")) {
            int days = Integer.parseInt(time.substring(1, time.indexOf(' ')));
            return at(time.substring(time.indexOf(' ') + 1)).plus(Duration.ofDays(days));
        }
        return Instant.parse("2026-11-02T" + time + ":00Z");
    }

    void send(DeliveryEvent e) {
        deliveries.pipeInput(e.getDeliveryId(), e, e.getEventTime());
    }

    /** Sends a terminal event in another region whose time moves the watermark to {@code time}. */
    void advanceTo(String time) {
        send(delivery("clock-" + (++counter) + "-" + time, "zz-clock", DeliveryStatus.DELIVERED, time, time, 0));
    }

    /** A ticket event of {@code ticketId}; {@code deliveryId} may be null. */
    static TicketEvent ticket(String eventId, String ticketId, String deliveryId, String region,
                              TicketCategory category, TicketEventType type, String at) {
        return TicketEvent.newBuilder().setEventId(eventId).setTicketId(ticketId).setDeliveryId(deliveryId)
                .setRegion(region).setCategory(category).setChannel(TicketChannel.CHAT).setType(type)
                .setEventTime(at(at)).setAgentId(null).build();
    }

    void send(TicketEvent e) {
        tickets.pipeInput(e.getTicketId(), e, e.getEventTime());
    }

    static SurveyResponse survey(String id, String region, SurveyKind kind, int score, String at, String... reasons) {
        return SurveyResponse.newBuilder().setEventId(id).setSurveyId(id).setRegion(region).setKind(kind)
                .setScore(score).setReasons(List.of(reasons)).setEventTime(at(at)).build();
    }

    void send(SurveyResponse r) {
        surveys.pipeInput(r.getSurveyId(), r, r.getEventTime());
    }

    /** Moves every input's event time to {@code time} (clock events in region zz-clock). */
    void advanceAllTo(String time) {
        advanceTo(time);
        counter++;
        send(ticket("tclock-" + counter, "tclock-" + counter, null, "zz-clock", TicketCategory.BILLING,
                TicketEventType.OPENED, time));
        send(survey("sclock-" + counter, "zz-clock", SurveyKind.CES, 4, time));
    }

    static <T> List<T> values(TestOutputTopic<String, T> topic) {
        return topic.readRecordsToList().stream().map(TestRecord::value).collect(Collectors.toList());
    }

    /** Wall-clock time passes: punctuations run (updates, idle sources). */
    void wallClock(Duration d) {
        driver.advanceWallClockTime(d);
    }

    /** Every KPI record read so far for {@code region}, in order. */
    List<DeliveryKpi> kpis(String region) {
        return deliveryKpis.readRecordsToList().stream().map(TestRecord::value)
                .filter(k -> k.getRegion().equals(region)).collect(Collectors.toList());
    }

    static List<DeliveryKpi> select(List<DeliveryKpi> kpis, WindowKind window, String start, boolean isFinal) {
        return kpis.stream().filter(k -> k.getWindow() == window && k.getWindowStart().equals(at(start))
                && k.getFinal$() == isFinal).collect(Collectors.toList());
    }

    @Override
    public void close() {
        driver.close();
        MockSchemaRegistry.dropScope(scope);
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // temp dir; the OS cleans it eventually
        }
    }
}
