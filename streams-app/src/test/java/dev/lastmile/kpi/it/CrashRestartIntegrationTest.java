package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.embedded.EmbeddedSchemaRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pipeline process killed with SIGKILL in the middle of a backlog, and a new instance on a fresh
 * state directory (so it rebuilds its state from the changelogs) finishing the job: every final
 * KPI equals the recomputation, nothing lost and nothing counted twice, exactly one final record
 * per window in what read_committed consumers see.
 */
@Tag("integration")
@Timeout(300)
class CrashRestartIntegrationTest {


    @Test
    void shouldLoseNothingAndCountNothingTwiceWhenTheProcessIsKilledMidRun() throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(env.registry)) {
            env.createTopics(BacklogIntegrationTest.PARTITIONS);
            ExpectedDeliveryKpis expected = BacklogIntegrationTest.produceBacklog(env, 24_000);

            // The production `run` command in its own JVM, slowed down so it is killed mid-backlog.
            Process first = env.startRunProcess(registry.url(), Files.createTempDirectory("lastmile-crash-a-"),
                    Map.of("kafka.max.poll.records", "100"), Files.createTempFile("lastmile-crash-run-", ".log"));
            try {
                // Killed as soon as it has written KPI records (open windows' updates come every
                // commit), long before the backlog is done.
                List<ConsumerRecord<String, DeliveryKpi>> before = env.readUntil(env.topics.kpiDelivery().name(),
                        Serdes.String().deserializer(), env.topics.kpiDelivery().valueSerde().deserializer(),
                        read -> !read.isEmpty(), Duration.ofSeconds(120));
                assertThat(before).as("KPI records before the crash").isNotEmpty();
                assertThat(ExpectedDeliveryKpis.finals(before)).as("finals before the crash")
                        .hasSizeLessThan(expected.windows.size());
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, open transaction left
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }

            PipelineConfig config = env.configWith(Map.of(
                    "state.dir", Files.createTempDirectory("lastmile-crash-b-").toString()));
            List<ConsumerRecord<String, DeliveryKpi>> records = env.runUntilAllFinals(config, BacklogIntegrationTest.PARTITIONS, expected);
            expected.assertMatches(records);
            assertThat(env.readAll(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("late records").isEmpty();
        }
    }
}
