package dev.lastmile.kpi.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lastmile.kpi.avro.DeliveryEvent;
import dev.lastmile.kpi.avro.SurveyResponse;
import dev.lastmile.kpi.avro.TicketEvent;
import dev.lastmile.kpi.config.ConfigLoader;
import dev.lastmile.kpi.config.Durations;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.json.JsonAvro;
import dev.lastmile.kpi.kpi.Validation.Rejection;
import dev.lastmile.kpi.metrics.PipelineMetrics;
import dev.lastmile.kpi.serde.MockSchemaRegistry;
import dev.lastmile.kpi.serde.SchemaRegistryClient;
import dev.lastmile.kpi.serde.TrustedAvroClasses;
import dev.lastmile.kpi.topology.LastmileTopology;
import dev.lastmile.kpi.topology.RecordHeaderNames;
import dev.lastmile.kpi.topology.Topic;
import dev.lastmile.kpi.topology.TopologyOptions;
import dev.lastmile.kpi.topology.Topics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * {@code replay}: the production topology over a JSON Lines history, in Kafka Streams' in-process
 * driver (single-threaded, deterministic, no broker), with the same watermark rules as a live run.
 * Lines stream through one at a time and outputs are drained after each, so memory stays bounded
 * whatever the file size (state lives in RocksDB under a temporary directory).
 *
 * <p>Writes the final KPI records to the output file, rejected lines to {@code <output>.dlq.jsonl}
 * and records that arrived after their window closed to {@code <output>.late.jsonl}.
 */
public final class ReplayRunner {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One object a line: a second value after it, or a key given twice, is an error, not ignored. */
    private static final ObjectReader STRICT = JSON.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    private static final long PROGRESS_EVERY_LINES = 100_000;
    /**
     * Replay's wall clock starts at the first event's time and follows event time in steps of at
     * most this (one step a line), so wall-clock punctuations (retention purges, heartbeats, open
     * window updates) run as they would live. Gates never vouch for it (their progress is their own
     * data: the lines of one source may come after all of another's), and there is no stall valve:
     * every gate runs, and the end of the input closes every window.
     */
    private static final long CLOCK_STEP_MS = Duration.ofMinutes(10).toMillis();
    /**
     * TopologyTestDriver keeps every record written to any topic until it is read, also to the repartition and
     * changelog topics that the driver feeds internally and nobody reads back (about five per line): a
     * million-line replay held 1.5 GB of them. They are thrown away this often, so memory stays flat.
     */
    private static final int DISCARD_EVERY_LINES = 10_000;
    private static final int CLOCK_START_LOOKAHEAD_LINES = 1_000;

    private record Source<T extends SpecificRecord>(Schema schema, String keyField, TestInputTopic<String, T> topic) {
    }

    private final PipelineConfig baseConfig;
    private final Instant wallClock;
    private final PrintWriter progress;

    /**
     * @param config    topic names, grace and the other settings; its state dir is not used
     * @param wallClock the pipeline's wall clock (for the input.max.future rule)
     * @param progress  where progress and the summary go (stderr)
     */
    private boolean stateReport;
    /** The driver's wall clock, epoch millis. */
    private long replayClockMs = Long.MIN_VALUE;

    public ReplayRunner(PipelineConfig config, Instant wallClock, PrintWriter progress) {
        this.baseConfig = config;
        this.wallClock = wallClock;
        this.progress = progress;
    }

    /** Before the end of input closes every window, print how many entries each state store holds. */
    public ReplayRunner withStateReport() {
        this.stateReport = true;
        return this;
    }

    /** Why {@code output} may not be used with {@code input} (it or one of its siblings is the input). */
    public static Optional<String> outputConflict(Path input, Path output) throws IOException {
        return ReplayFiles.conflict(input, output);
    }

    public ReplaySummary run(Path input, Path output) throws IOException {
        Optional<String> conflict = outputConflict(input, output);
        if (conflict.isPresent()) {
            throw new IllegalArgumentException(conflict.get());
        }
        replayClockMs = firstEventTime(input).orElse(wallClock.toEpochMilli());
        // State next to the output, not in /tmp, which the OS may clean under a long replay.
        Path outputDir = output.toAbsolutePath().getParent();
        Files.createDirectories(outputDir);
        Path stateDir = Files.createTempDirectory(outputDir, ".lastmile-replay-state-");
        String scope = "replay-" + UUID.randomUUID();
        PipelineMetrics metrics = PipelineMetrics.inMemory();
        SchemaRegistryClient registry = MockSchemaRegistry.forScope(scope);
        PipelineConfig config = ConfigLoader.defaults().overrides(Map.ofEntries(
                Map.entry("state.dir", stateDir.toString()),
                Map.entry("schema.registry.url", "mock://" + scope),
                Map.entry("window.grace", baseConfig.windowGrace().toMillis() + "ms"),
                Map.entry("dedup.retention", baseConfig.dedupRetention().toMillis() + "ms"),
                Map.entry("watermark.marker.interval", baseConfig.markerInterval().toMillis() + "ms"),
                Map.entry("input.max.future", baseConfig.inputMaxFuture().toMillis() + "ms"),
                Map.entry("input.min.event.time", baseConfig.inputMinEventTime().toString()),
                Map.entry("input.max.record.bytes", Integer.toString(baseConfig.inputMaxRecordBytes())),
                Map.entry("input.max.regions", Integer.toString(baseConfig.inputMaxRegions())),
                Map.entry("input.max.routes.per.region", Integer.toString(baseConfig.inputMaxRoutesPerRegion())),
                Map.entry("ticket.state.retention", baseConfig.ticketRetention().toMillis() + "ms"),
                Map.entry("complaint.lookback", baseConfig.complaintLookback().toMillis() + "ms"),
                Map.entry("perfect.order.complaint.window", baseConfig.perfectOrderWindow().toMillis() + "ms"),
                Map.entry("route.min.deliveries", Integer.toString(baseConfig.routeMinDeliveries())),
                Map.entry("alert.min.samples", Integer.toString(baseConfig.alertMinSamples())),
                Map.entry("alert.forecast.horizon", Integer.toString(baseConfig.alertForecastHorizon())),
                Map.entry("alert.forecast.confidence", Double.toString(baseConfig.alertForecastConfidence())),
                Map.entry("watermark.stall.timeout", Durations.MAX.toDays() + "d"),
                // Replay writes finals only: open-window updates would be built and thrown away.
                Map.entry("kpi.update.interval", "0s"),
                Map.entry("application.id", baseConfig.applicationId() + "-replay"),
                // One thread, no broker: nothing for transactions to protect, and they cost time here.
                Map.entry("processing.guarantee", "at_least_once"))).load();
        Topics topics = Topics.of(baseConfig.topics(), registry);
        // The future-event rule judges by the given wall clock, as a live run reading this history
        // as a backlog would; the driver's own clock follows event time (see CLOCK_STEP_MS).
        long givenWallClock = wallClock.toEpochMilli();
        TopologyOptions options = new TopologyOptions(registry, metrics, Map.of(), true)
                .withEventClock(driverNow -> givenWallClock);
        long lines = 0;
        long blank = 0;
        long rejected = 0;
        long late = 0;
        long kpiRecords = 0;
        List<KpiOutput> kpiOutputs = new ArrayList<>();
        try (ReplayFiles files = new ReplayFiles(output);
             TopologyTestDriver driver = new TopologyTestDriver(LastmileTopology.build(config, options),
                config.streamsProperties(), Instant.ofEpochMilli(replayClockMs));
             JsonLines in = new JsonLines(input);
             BufferedWriter out = Files.newBufferedWriter(files.temporaryFor(output), StandardCharsets.UTF_8);
             BufferedWriter dlq = Files.newBufferedWriter(files.temporaryFor(ReplayFiles.targets(output).get(1)),
                     StandardCharsets.UTF_8);
             BufferedWriter lateOut = Files.newBufferedWriter(files.temporaryFor(ReplayFiles.targets(output).get(2)),
                     StandardCharsets.UTF_8)) {
            Map<String, Source<?>> sources = Map.of(
                    "delivery", source(driver, topics.deliveryEvents(), DeliveryEvent.getClassSchema(), "delivery_id"),
                    "ticket", source(driver, topics.ticketEvents(), TicketEvent.getClassSchema(), "ticket_id"),
                    "survey", source(driver, topics.surveyResponses(), SurveyResponse.getClassSchema(), "survey_id"));
            // One part file per topic, joined at the end in this order: each topic's records come out
            // in window order whatever the order of lines within grace, so the file does too.
            for (Topic<String, ? extends SpecificRecord> kpi : topics.kpiTopics()) {
                kpiOutputs.add(new KpiOutput(driver, kpi, files));
            }
            kpiOutputs.add(new KpiOutput(driver, topics.kpiAlerts(), files));
            TestOutputTopic<byte[], byte[]> dlqTopic = rawOutput(driver, topics.dlq().name());
            TestOutputTopic<byte[], byte[]> lateTopic = rawOutput(driver, topics.lateEvents().name());

            Set<String> read = new HashSet<>(List.of(topics.dlq().name(), topics.lateEvents().name(),
                    topics.kpiAlerts().name()));
            topics.kpiTopics().forEach(t -> read.add(t.name()));
            JsonLines.Line next;
            long lastProgress = System.nanoTime();
            while ((next = in.next()) != null) {
                lines = next.number();
                String line = next.text();
                if (next.validUtf8() && line.isBlank()) {
                    blank++;
                    continue;
                }
                Rejection error = next.validUtf8() ? pipe(driver, sources, line, lines)
                        : new Rejection("invalid_utf8", "line is not valid UTF-8");
                if (error != null) {
                    writeDlq(dlq, lines, error, line);
                    rejected++;
                }
                for (TestRecord<byte[], byte[]> r : dlqTopic.readRecordsToList()) {
                    writeDlq(dlq, lines, new Rejection(header(r, RecordHeaderNames.DLQ_REASON_CODE),
                            header(r, RecordHeaderNames.DLQ_REASON)), line);
                    rejected++;
                }
                for (TestRecord<byte[], byte[]> r : lateTopic.readRecordsToList()) {
                    writeLate(lateOut, lines, r, line);
                    late++;
                }
                kpiRecords += drain(kpiOutputs);
                if (lines % DISCARD_EVERY_LINES == 0) {
                    discardUnread(driver, read);
                }
                if (lines % PROGRESS_EVERY_LINES == 0 || System.nanoTime() - lastProgress > 5_000_000_000L) {
                    progress.printf("replay: %,d lines read%n", lines);
                    lastProgress = System.nanoTime();
                }
            }
            if (stateReport) {
                StateReport.print(driver, progress);
            }
            // End of input: every window is closed and finalized.
            for (Source<?> source : sources.values()) {
                RecordHeaders control = new RecordHeaders();
                control.add(RecordHeaderNames.CONTROL, RecordHeaderNames.END_OF_INPUT.getBytes(StandardCharsets.UTF_8));
                source.topic().pipeInput(new TestRecord<>(null, null, control, wallClock));
            }
            kpiRecords += drain(kpiOutputs);
            for (KpiOutput o : kpiOutputs) {
                o.appendTo(out);
            }
            out.close();
            dlq.close();
            lateOut.close();
            files.commit();
        } finally {
            for (KpiOutput o : kpiOutputs) {
                o.close();
            }
            MockSchemaRegistry.dropScope(scope);
            deleteRecursively(stateDir);
        }
        double duplicates = metrics.registry().find("lastmile.duplicates.dropped").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        double accepted = metrics.registry().find("lastmile.records.in").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        long dlqFromTopology = (long) metrics.registry().find("lastmile.dlq.records").counters().stream()
                .mapToDouble(c -> c.count()).sum();
        ReplaySummary summary = new ReplaySummary(lines, blank, (long) accepted - dlqFromTopology - (long) duplicates,
                rejected, (long) duplicates, late, kpiRecords);
        progress.println(summary);
        return summary;
    }

    /** Parses one line and pipes it in; returns why it cannot be, or null. */
    private <T extends SpecificRecord> Rejection pipe(TopologyTestDriver driver, Map<String, Source<?>> sources,
                                                      String line, long lineNumber) {
        JsonNode json;
        try {
            json = STRICT.readTree(line);
        } catch (JsonProcessingException e) {
            return new Rejection("not_json", "not valid JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            return new Rejection("not_json", "not a JSON object");
        }
        JsonNode kind = json.get("source");
        @SuppressWarnings("unchecked")
        Source<T> source = kind == null ? null : (Source<T>) sources.get(kind.asText());
        if (source == null) {
            return new Rejection("invalid_field", "field source must be one of delivery, ticket, survey");
        }
        T event;
        try {
            event = JsonAvro.fromJson(json, source.schema());
        } catch (JsonAvro.InvalidJson e) {
            return new Rejection(e.code(), e.getMessage());
        }
        Object key = event.get(source.schema().getField(source.keyField()).pos());
        Instant eventTime = (Instant) event.get(source.schema().getField("event_time").pos());
        // A Kafka record's timestamp cannot be negative; the gate rejects such an event_time itself.
        Instant time = eventTime.isBefore(Instant.EPOCH) ? wallClock : eventTime;
        followEventTime(driver, time.toEpochMilli());
        RecordHeaders headers = new RecordHeaders();
        headers.add(RecordHeaderNames.REPLAY_LINE, Long.toString(lineNumber).getBytes(StandardCharsets.UTF_8));
        source.topic().pipeInput(new TestRecord<>(key == null ? null : key.toString(), event, headers, time));
        return null;
    }

    /** Moves the driver's wall clock towards an event's time before the event arrives. */
    private void followEventTime(TopologyTestDriver driver, long eventTimeMs) {
        if (eventTimeMs - replayClockMs >= CLOCK_STEP_MS) {
            replayClockMs += CLOCK_STEP_MS;
            driver.advanceWallClockTime(Duration.ofMillis(CLOCK_STEP_MS));
        }
    }

    /** The event time of the first of the first lines that has one, where the driver's clock starts. */
    private static Optional<Long> firstEventTime(Path input) throws IOException {
        try (JsonLines in = new JsonLines(input)) {
            JsonLines.Line line;
            while ((line = in.next()) != null && line.number() <= CLOCK_START_LOOKAHEAD_LINES) {
                try {
                    JsonNode time = line.validUtf8() ? STRICT.readTree(line.text()).get("event_time") : null;
                    if (time != null && time.isTextual()) {
                        return Optional.of(Math.max(0, Instant.parse(time.asText()).toEpochMilli()));
                    }
                } catch (JsonProcessingException | RuntimeException e) {
                    // not an event: the next line may be one
                }
            }
            return Optional.empty();
        }
    }

    private static <T extends SpecificRecord> Source<T> source(TopologyTestDriver driver, Topic<String, T> topic,
                                                               Schema schema, String keyField) {
        TrustedAvroClasses.trust(schema);
        return new Source<>(schema, keyField, driver.createInputTopic(topic.name(), Serdes.String().serializer(),
                topic.valueSerde().serializer()));
    }

    /** Throws away what the driver captured for topics replay does not read (see DISCARD_EVERY_LINES). */
    private static void discardUnread(TopologyTestDriver driver, Set<String> read) {
        for (String topic : driver.producedTopicNames()) {
            if (!read.contains(topic)) {
                rawOutput(driver, topic).readRecordsToList();
            }
        }
    }

    private static TestOutputTopic<byte[], byte[]> rawOutput(TopologyTestDriver driver, String name) {
        return driver.createOutputTopic(name, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    }

    private static long drain(List<KpiOutput> outputs) throws IOException {
        long written = 0;
        for (KpiOutput o : outputs) {
            written += o.drain();
        }
        return written;
    }

    private static void writeDlq(BufferedWriter dlq, long line, Rejection why, String raw) throws IOException {
        ObjectNode json = JSON.createObjectNode().put("line", line).put("code", why.code())
                .put("reason", why.message()).put("raw", raw);
        dlq.write(JSON.writeValueAsString(json));
        dlq.newLine();
    }

    private static void writeLate(BufferedWriter late, long line, TestRecord<byte[], byte[]> r, String raw)
            throws IOException {
        ObjectNode json = JSON.createObjectNode().put("line", line)
                .put("kpis", header(r, RecordHeaderNames.LATE_KPI))
                .put("reason", header(r, RecordHeaderNames.LATE_REASON))
                // One value per family that missed it: true when every one of them still counted it.
                .put("counted_in_rolling", Arrays.stream(header(r, RecordHeaderNames.LATE_COUNTED_IN_ROLLING)
                        .split(",")).allMatch("true"::equals))
                .put("raw", raw);
        late.write(JSON.writeValueAsString(json));
        late.newLine();
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
