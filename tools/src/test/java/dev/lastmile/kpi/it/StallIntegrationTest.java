package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.embedded.EmbeddedSchemaRegistry;
import dev.lastmile.kpi.family.KpiFamilies;
import dev.lastmile.kpi.runtime.Pipeline;
import dev.lastmile.kpi.topology.TopologyOptions;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A partition that stalls is not an empty one. Two instances share a multi-day backlog; one of
 * them (the production `run` command in its own JVM) is frozen with SIGSTOP mid-backlog for
 * longer than the 60 s after which the previous design declared a silent partition idle, while
 * the other reads its own partitions to the end and runs ahead to the wall clock. When the frozen
 * instance resumes, nothing may be late and every final must equal the recomputation.
 */
@Tag("integration")
@Timeout(480)
class StallIntegrationTest {

    /** Longer than the old idle timeout (60 s): a silent partition must hold the watermark. */
    private static final Duration STALL = Duration.ofSeconds(70);

    @Test
    void shouldHoldTheWatermarkForAStalledPartitionAndCountEveryRecordWhenItResumes() throws Exception {
        // Every task counts as caught up wherever it goes, so the joining instance gets active input
        // tasks at once (otherwise the sticky assignor may keep every gate on the first instance until
        // a probing rebalance, and there would be no partition of A's to read to the end).
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(),
                Map.of("kafka.acceptable.recovery.lag", "1000000000"));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(env.registry);
             Admin admin = SharedBroker.get().admin()) {
            env.createTopics(BacklogIntegrationTest.PARTITIONS);
            // Large enough that B, reading 20 records a poll, is still in its backlog when it is frozen even on a
            // quiet machine (with 30,000 it had read everything first: its partitions then vouched for the wall
            // clock, and there was nothing left to stall).
            ExpectedDeliveryKpis expected = BacklogIntegrationTest.produceBacklog(env, 120_000);
            String deliveries = env.topics.deliveryEvents().name();

            // The instance to freeze reads slowly, and keeps its group membership through the stall.
            Path logB = Files.createTempFile("lastmile-stall-run-", ".log");
            Process b = env.startRunProcess(registry.url(), Files.createTempDirectory("lastmile-stall-b-"),
                    Map.of("kafka.max.poll.records", "20",
                            "kafka.consumer.session.timeout.ms", "120000",
                            // a send waiting for metadata when the process froze must not time out on waking
                            "kafka.producer.max.block.ms", "300000"), logB);
            TopologyOptions optionsA = env.options(BacklogIntegrationTest.PARTITIONS);
            // B runs alone first and starts on the backlog; then A joins and takes part of the work.
            await("the first instance runs", Duration.ofSeconds(120), () -> logSays(logB, "-> RUNNING"));
            try (Pipeline a = new Pipeline(env.config, optionsA).start()) {
                await("both instances share the work, A with delivery partitions", Duration.ofSeconds(120),
                        () -> a.isRunning() && stableWithTwoMembers(admin, env.config.applicationId())
                                && !gateFlags(optionsA, deliveries).isEmpty());
                signal(b, "STOP");
                try {
                    await("instance A has read its delivery partitions to the end", Duration.ofSeconds(120),
                            () -> caughtUp(optionsA, deliveries));
                    Map<TopicPartition, Long> behind = behind(admin, env.config.applicationId(), deliveries);
                    assertThat(behind).as("delivery partitions held by the frozen instance, not read to the end")
                            .isNotEmpty();
                    Thread.sleep(STALL.toMillis()); // the stall itself: the scenario, not a wait for a condition
                    assertThat(env.readAll(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                            Serdes.ByteArray().deserializer())).as("late records during the stall").isEmpty();
                    assertThat(ExpectedDeliveryKpis.finals(env.readAll(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                            Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer())))
                            .as("finals during the stall: windows over the stalled partition stay open")
                            .hasSizeLessThan(expected.windows.size());
                } finally {
                    signal(b, "CONT");
                }
                List<ConsumerRecord<String, DeliveryKpi>> records = env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                        Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> ExpectedDeliveryKpis.finals(read).size() >= expected.windows.size(),
                        Duration.ofSeconds(240));
                var late = env.readAll(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                        Serdes.ByteArray().deserializer());
                assertThat(late).as("late records, by source partition: %s", late.stream().collect(Collectors.groupingBy(
                        r -> new String(r.headers().lastHeader("lastmile.source.partition").value()), Collectors.counting())))
                        .isEmpty();
                expected.assertMatches(records);
                assertThat(a.failure()).isNull();
            } finally {
                b.destroy();
                if (!b.waitFor(60, TimeUnit.SECONDS)) {
                    b.destroyForcibly();
                }
            }
            assertThat(env.readAll(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("late records").isEmpty();
            assertThat(env.readAll(env.topics.dlq().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("DLQ records").isEmpty();
        }
    }

    private static boolean logSays(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static boolean stableWithTwoMembers(Admin admin, String group) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                    .get(10, TimeUnit.SECONDS).get(group);
            return d.groupState() == GroupState.STABLE && d.members().size() == 2
                    && d.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }

    /** Every delivery partition this instance's gates own reports that it is read to the end. */
    private static boolean caughtUp(TopologyOptions options, String topic) {
        List<Double> flags = gateFlags(options, topic);
        return !flags.isEmpty() && flags.stream().allMatch(v -> v == 1.0);
    }

    /** The read-to-the-end flags of the gates this instance runs for {@code topic}: none if it owns no partition. */
    private static List<Double> gateFlags(TopologyOptions options, String topic) {
        return options.metrics().registry().find("lastmile_input_caught_up").tag("topic", topic)
                .gauges().stream().map(Gauge::value).filter(v -> !v.isNaN()).toList();
    }

    /** Partitions of {@code topic} whose committed offset in the group is short of the end. */
    private static Map<TopicPartition, Long> behind(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = java.util.stream.IntStream.range(0, BacklogIntegrationTest.PARTITIONS)
                .boxed().collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        Map<TopicPartition, Long> lag = new java.util.TreeMap<>(java.util.Comparator.comparing(TopicPartition::partition));
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, end) -> {
            OffsetAndMetadata c = committed.get(tp);
            long position = c == null ? 0 : c.offset();
            if (position < end.offset()) {
                lag.put(tp, end.offset() - position);
            }
        });
        return lag;
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal).isTrue();
    }

    static void await(String what, Duration budget, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(200);
        }
    }
}
