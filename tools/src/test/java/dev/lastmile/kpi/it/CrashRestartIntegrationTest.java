package dev.lastmile.kpi.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lastmile.kpi.avro.DeliveryKpi;
import dev.lastmile.kpi.config.PipelineConfig;
import dev.lastmile.kpi.embedded.EmbeddedSchemaRegistry;
import dev.lastmile.kpi.family.KpiFamilies;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * A pipeline process killed with SIGKILL in the middle of a backlog — after it wrote some finals,
 * before it wrote them all, both checked after the kill — and a new instance finishing the job,
 * once on a fresh state directory (it rebuilds its state from the changelogs) and once on the
 * killed one's own (it finds what the dead process left on disk): every final KPI equals the
 * recomputation, nothing lost and nothing counted twice, exactly one final record per window in
 * what read_committed consumers see.
 */
@Tag("integration")
@Timeout(300)
class CrashRestartIntegrationTest {


    @ParameterizedTest(name = "restart on {0} state")
    @ValueSource(strings = {"fresh", "the same"})
    void shouldLoseNothingAndCountNothingTwiceWhenTheProcessIsKilledMidRun(String state) throws Exception {
        try (ItEnvironment env = new ItEnvironment(SharedBroker.get(), Map.of());
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(env.registry)) {
            env.createTopics(BacklogIntegrationTest.PARTITIONS);
            ExpectedDeliveryKpis expected = BacklogIntegrationTest.produceBacklog(env, 24_000);

            // The production `run` command in its own JVM, slowed down so it is killed mid-backlog.
            java.nio.file.Path firstState = Files.createTempDirectory("lastmile-crash-a-");
            Process first = env.startRunProcess(registry.url(), firstState,
                    Map.of("kafka.max.poll.records", "100"), Files.createTempFile("lastmile-crash-run-", ".log"));
            try {
                // Killed as soon as it has written a final, long before the backlog is done.
                env.readUntil(env.topics.kpi(KpiFamilies.DELIVERY).name(), Serdes.String().deserializer(),
                        env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer(),
                        read -> !ExpectedDeliveryKpis.finals(read).isEmpty(), Duration.ofSeconds(120));
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, open transaction left
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            // What the dead process had committed: some finals, not all — it died mid-backlog.
            assertThat(ExpectedDeliveryKpis.finals(env.readAll(env.topics.kpi(KpiFamilies.DELIVERY).name(),
                    Serdes.String().deserializer(), env.topics.kpi(KpiFamilies.DELIVERY).valueSerde().deserializer())))
                    .as("finals written before the crash").isNotEmpty().hasSizeLessThan(expected.windows.size());

            PipelineConfig config = env.configWith(Map.of("state.dir", state.equals("fresh")
                    ? Files.createTempDirectory("lastmile-crash-b-").toString() : firstState.toString()));
            List<ConsumerRecord<String, DeliveryKpi>> records = env.runUntilAllFinals(config, BacklogIntegrationTest.PARTITIONS, expected);
            expected.assertMatches(records);
            assertThat(env.readAll(env.topics.lateEvents().name(), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer())).as("late records").isEmpty();
        }
    }
}
